<#-- The page of hosts (/realms/{realm}/jitsi/meetings): start a meeting, invite a guest, the live invitations.
     Rooms, names and links are text: printed (HTML-escaped) beside the messages, never passed into msg(), which would
     look up an argument like ${key} as a message of the theme. Every form that changes something carries stateChecker. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("jitsiMeetingsTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/jitsi/meetings.css"/>
        <div id="jitsi-meetings" class="jitsi-meetings">
        <#if jitsiStopped??>
            <a id="jitsi-meetings-back" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
               href="${jitsiPageUrl}">${msg("jitsiMeetingsOpenPage")}</a>
        <#else>
            <p class="instruction" id="jitsi-meetings-user">${msg("jitsiMeetingsSignedInAs")} <strong>${jitsiUser}</strong></p>

            <#if jitsiMade??>
                <section id="jitsi-meetings-made" class="jitsi-made" aria-labelledby="jitsi-meetings-made-title">
                    <h2 id="jitsi-meetings-made-title">${msg("jitsiMeetingsMadeTitle")} <span class="jitsi-room">${jitsiMade.room}</span></h2>
                    <p>${msg("jitsiMeetingsMadeText")}</p>
                    <div class="jitsi-copy-row">
                        <label class="jitsi-visually-hidden" for="jitsi-meetings-link">${msg("jitsiMeetingsLinkLabel")}</label>
                        <span class="${properties.kcInputClass!} ${properties.kcFormReadOnlyClass!} jitsi-link"><input id="jitsi-meetings-link" type="text" readonly autocomplete="off"
                               spellcheck="false" value="${jitsiMade.url}"/></span>
                        <button type="button" id="jitsi-meetings-copy" class="${properties.kcButtonPrimaryClass!}"
                                data-copied="${msg("jitsiMeetingsCopied")}">${msg("jitsiMeetingsCopy")}</button>
                    </div>
                </section>
            </#if>

            <#if !jitsiHost>
                <section id="jitsi-meetings-not-a-host" class="pf-v5-c-alert pf-m-warning pf-m-inline" aria-labelledby="jitsi-not-a-host-title">
                    <p class="pf-v5-c-alert__title" id="jitsi-not-a-host-title">${msg("jitsiMeetingsNotAHostTitle")}</p>
                    <div class="pf-v5-c-alert__description">
                        <#if (jitsiNotAHost!"") == "role">
                            <p id="jitsi-meetings-why">${msg("jitsiMeetingsNotAHostRole")} <code id="jitsi-meetings-role">${jitsiHostRole!""}</code></p>
                            <p>${msg("jitsiMeetingsNotAHostAsk")}</p>
                        <#else>
                            <p id="jitsi-meetings-why">${msg("jitsiMeetingsNotAHostSetup")}</p>
                        </#if>
                        <p>${msg("jitsiMeetingsGuestsStill")}</p>
                    </div>
                </section>
            <#else>
                <section id="jitsi-meetings-start" aria-labelledby="jitsi-start-title">
                    <h2 id="jitsi-start-title">${msg("jitsiMeetingsStartTitle")}</h2>
                    <form id="jitsi-start-form" class="jitsi-form" action="${jitsiJoinUrl}" method="get">
                        <div class="jitsi-fields">
                            <div class="${properties.kcFormGroupClass!}">
                                <label for="jitsi-start-room" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsRoom")}</label>
                                <span class="${properties.kcInputClass!}"><input id="jitsi-start-room" name="room" type="text" required
                                       maxlength="200" autocomplete="off" placeholder="${msg("jitsiMeetingsRoomExample")}"/></span>
                            </div>
                            <#if jitsiTenants?? && jitsiTenants?has_content>
                                <div class="${properties.kcFormGroupClass!}">
                                    <label for="jitsi-start-tenant" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsTenant")}</label>
                                    <span class="${properties.kcInputClass!}"><select id="jitsi-start-tenant" name="tenant">
                                        <option value="">${msg("jitsiMeetingsTenantNone")}</option>
                                        <#list jitsiTenants as tenant><option value="${tenant}">${tenant}</option></#list>
                                    </select><span class="${properties.kcFormControlUtilClass!}"><span class="${properties.kcFormControlToggleIcon!}"><span class="jitsi-caret" aria-hidden="true"></span></span></span></span>
                                </div>
                            </#if>
                        </div>
                        <button id="jitsi-start" type="submit" class="${properties.kcButtonPrimaryClass!}">${msg("jitsiMeetingsStart")}</button>
                    </form>
                </section>

                <#if jitsiInvitesOn>
                    <section id="jitsi-meetings-invite" aria-labelledby="jitsi-invite-title">
                        <h2 id="jitsi-invite-title">${msg("jitsiMeetingsInviteTitle")}</h2>
                        <p class="jitsi-help">${msg("jitsiMeetingsInviteText")}</p>
                        <form id="jitsi-invite-form" class="jitsi-form" action="${jitsiCreateUrl}" method="post">
                            <input type="hidden" name="stateChecker" value="${jitsiFormToken!''}"/>
                            <input type="hidden" name="form_id" value="${jitsiFormId}"/>
                            <div class="jitsi-fields">
                                <div class="${properties.kcFormGroupClass!}">
                                    <label for="jitsi-invite-room" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsRoom")}</label>
                                    <span class="${properties.kcInputClass!}"><input id="jitsi-invite-room" name="room" type="text" required
                                           maxlength="200" autocomplete="off" value="${jitsiTyped.room!''}"
                                           placeholder="${msg("jitsiMeetingsRoomExample")}"/></span>
                                </div>
                                <#if jitsiTenants?? && jitsiTenants?has_content>
                                    <div class="${properties.kcFormGroupClass!}">
                                        <label for="jitsi-invite-tenant" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsTenant")}</label>
                                        <span class="${properties.kcInputClass!}"><select id="jitsi-invite-tenant" name="tenant">
                                            <option value="">${msg("jitsiMeetingsTenantNone")}</option>
                                            <#list jitsiTenants as tenant>
                                                <option value="${tenant}" <#if (jitsiTyped.tenant!'') == tenant>selected</#if>>${tenant}</option>
                                            </#list>
                                        </select><span class="${properties.kcFormControlUtilClass!}"><span class="${properties.kcFormControlToggleIcon!}"><span class="jitsi-caret" aria-hidden="true"></span></span></span></span>
                                    </div>
                                </#if>
                                <div class="${properties.kcFormGroupClass!}">
                                    <label for="jitsi-invite-valid" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsValidFor")}</label>
                                    <span class="${properties.kcInputClass!}"><select id="jitsi-invite-valid" name="valid_for">
                                        <#list jitsiValidities as validity>
                                            <option value="${validity.seconds}" <#if validity.selected>selected</#if>>${msg(validity.words, validity.count)}</option>
                                        </#list>
                                    </select><span class="${properties.kcFormControlUtilClass!}"><span class="${properties.kcFormControlToggleIcon!}"><span class="jitsi-caret" aria-hidden="true"></span></span></span></span>
                                </div>
                                <div class="${properties.kcFormGroupClass!}">
                                    <label for="jitsi-invite-uses" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsMaxUses")}</label>
                                    <span class="${properties.kcInputClass!}"><input id="jitsi-invite-uses" name="max_uses" type="number" min="1" max="1000" inputmode="numeric"
                                           value="${jitsiTyped.max_uses!''}" aria-describedby="jitsi-invite-uses-help"/></span>
                                    <p class="jitsi-help" id="jitsi-invite-uses-help">${msg("jitsiMeetingsMaxUsesHelp")}</p>
                                </div>
                                <div class="${properties.kcFormGroupClass!}">
                                    <label for="jitsi-invite-name" class="${properties.kcLabelClass!}">${msg("jitsiMeetingsGuestName")}</label>
                                    <span class="${properties.kcInputClass!}"><input id="jitsi-invite-name" name="name" type="text" maxlength="64" autocomplete="off"
                                           value="${jitsiTyped.name!''}" aria-describedby="jitsi-invite-name-help"/></span>
                                    <p class="jitsi-help" id="jitsi-invite-name-help">${msg("jitsiMeetingsGuestNameHelp")}</p>
                                </div>
                            </div>
                            <button id="jitsi-invite-create" type="submit" class="${properties.kcButtonPrimaryClass!}">${msg("jitsiMeetingsInvite")}</button>
                        </form>
                    </section>
                <#else>
                    <p class="instruction" id="jitsi-meetings-invites-off">${msg("jitsiMeetingsInvitesOff")}</p>
                </#if>
            </#if>

            <#if jitsiHost || jitsiInvites?has_content>
            <section id="jitsi-meetings-list" aria-labelledby="jitsi-list-title">
                <h2 id="jitsi-list-title">${msg("jitsiMeetingsListTitle")}</h2>
                <#if jitsiInvites?has_content>
                    <table class="jitsi-table" id="jitsi-invites">
                        <thead>
                        <tr>
                            <th scope="col">${msg("jitsiMeetingsRoom")}</th>
                            <th scope="col">${msg("jitsiMeetingsCreated")}</th>
                            <th scope="col">${msg("jitsiMeetingsEnds")}</th>
                            <th scope="col">${msg("jitsiMeetingsUsesLeftTitle")}</th>
                            <th scope="col"><span class="jitsi-visually-hidden">${msg("jitsiMeetingsActions")}</span></th>
                        </tr>
                        </thead>
                        <tbody>
                        <#list jitsiInvites as invite>
                            <tr class="jitsi-invite" data-invite-id="${invite.id}">
                                <td data-label="${msg("jitsiMeetingsRoom")}">
                                    <span class="jitsi-room">${invite.room}</span><#if invite.tenant??> <span class="jitsi-tenant">(${invite.tenant})</span></#if>
                                    <#if invite.guestName??><span class="jitsi-guest">${msg("jitsiMeetingsFixedName")} <span class="jitsi-guest-name">${invite.guestName}</span></span></#if>
                                </td>
                                <td data-label="${msg("jitsiMeetingsCreated")}"><time class="jitsi-created" datetime="${invite.created.iso}">${invite.created.text}</time></td>
                                <td data-label="${msg("jitsiMeetingsEnds")}"><time class="jitsi-ends" datetime="${invite.ends.iso}">${invite.ends.text}</time></td>
                                <td data-label="${msg("jitsiMeetingsUsesLeftTitle")}" class="jitsi-uses">
                                    <#if invite.usesLeft??>${msg("jitsiMeetingsUsesLeft", invite.usesLeft, invite.maxUses)}<#else>${msg("jitsiMeetingsUsesUnlimited", invite.uses)}</#if>
                                </td>
                                <td class="jitsi-actions">
                                    <#if jitsiHost>
                                        <a class="pf-v5-c-button pf-m-link jitsi-open" href="${invite.meetingUrl}">${msg("jitsiMeetingsOpen")}</a>
                                    </#if>
                                    <form method="post" action="${jitsiRevokeUrl}" class="jitsi-revoke-form">
                                        <input type="hidden" name="stateChecker" value="${jitsiFormToken!''}"/>
                                        <input type="hidden" name="id" value="${invite.id}"/>
                                        <button type="submit" class="pf-v5-c-button pf-m-secondary pf-m-danger jitsi-revoke">${msg("jitsiMeetingsRevoke")}</button>
                                    </form>
                                </td>
                            </tr>
                        </#list>
                        </tbody>
                    </table>
                    <#if jitsiInvitesMore><p class="jitsi-help" id="jitsi-meetings-more">${msg("jitsiMeetingsMore")}</p></#if>
                <#else>
                    <p class="instruction" id="jitsi-meetings-none">${msg("jitsiMeetingsNone")}</p>
                </#if>
            </section>
            </#if>

            <#if jitsiAdminUrl??>
                <p><a id="jitsi-meetings-admin" class="pf-v5-c-button pf-m-link pf-m-inline" href="${jitsiAdminUrl}">${msg("jitsiMeetingsAdminLink")}</a></p>
            </#if>
        </#if>
        </div>
        <script type="module" src="${url.resourcesPath}/jitsi/meetings.js"></script>
    </#if>
</@layout.registrationLayout>
