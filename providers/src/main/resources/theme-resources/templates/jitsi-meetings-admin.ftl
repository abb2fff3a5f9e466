<#-- The admins' view of the meetings page (/realms/{realm}/jitsi/meetings/admin): every invitation of the realm, newest
     first, with its host by name; revoke for admins who may manage the realm. Rooms and names are printed as text. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("jitsiMeetingsAdminTitle")}
    <#elseif section = "form">
        <link rel="stylesheet" href="${url.resourcesPath}/jitsi/meetings.css"/>
        <div id="jitsi-meetings" class="jitsi-meetings jitsi-meetings-admin">
            <p class="instruction" id="jitsi-meetings-user">${msg("jitsiMeetingsSignedInAs")} <strong>${jitsiUser}</strong></p>
            <p class="jitsi-help">${msg("jitsiMeetingsAdminText")}</p>
            <#if jitsiAdminRows?has_content>
                <table class="jitsi-table" id="jitsi-admin-invites">
                    <thead>
                    <tr>
                        <th scope="col">${msg("jitsiMeetingsHost")}</th>
                        <th scope="col">${msg("jitsiMeetingsRoom")}</th>
                        <th scope="col">${msg("jitsiMeetingsCreated")}</th>
                        <th scope="col">${msg("jitsiMeetingsEnds")}</th>
                        <th scope="col">${msg("jitsiMeetingsUses")}</th>
                        <th scope="col">${msg("jitsiMeetingsState")}</th>
                        <#if jitsiCanRevoke><th scope="col"><span class="jitsi-visually-hidden">${msg("jitsiMeetingsActions")}</span></th></#if>
                    </tr>
                    </thead>
                    <tbody>
                    <#list jitsiAdminRows as invite>
                        <tr class="jitsi-invite jitsi-state-${invite.state}" data-invite-id="${invite.id}">
                            <td data-label="${msg("jitsiMeetingsHost")}">
                                <span class="jitsi-host">${invite.host}</span><#if invite.hostUsername??> <span class="jitsi-username">(${invite.hostUsername})</span></#if>
                            </td>
                            <td data-label="${msg("jitsiMeetingsRoom")}">
                                <span class="jitsi-room">${invite.room}</span><#if invite.tenant??> <span class="jitsi-tenant">(${invite.tenant})</span></#if>
                                <#if invite.guestName??><span class="jitsi-guest">${msg("jitsiMeetingsFixedName")} <span class="jitsi-guest-name">${invite.guestName}</span></span></#if>
                            </td>
                            <td data-label="${msg("jitsiMeetingsCreated")}"><time class="jitsi-created" datetime="${invite.created.iso}">${invite.created.text}</time></td>
                            <td data-label="${msg("jitsiMeetingsEnds")}"><time class="jitsi-ends" datetime="${invite.ends.iso}">${invite.ends.text}</time></td>
                            <td data-label="${msg("jitsiMeetingsUses")}" class="jitsi-uses">
                                <#if invite.maxUses??>${msg("jitsiMeetingsUsesOf", invite.uses, invite.maxUses)}<#else>${msg("jitsiMeetingsUsesUnlimited", invite.uses)}</#if>
                            </td>
                            <td data-label="${msg("jitsiMeetingsState")}" class="jitsi-state">${msg("jitsiMeetingsState_" + invite.state)}</td>
                            <#if jitsiCanRevoke>
                                <td class="jitsi-actions">
                                    <#if invite.state == "live">
                                        <form method="post" action="${jitsiAdminRevokeUrl}" class="jitsi-revoke-form">
                                            <input type="hidden" name="stateChecker" value="${jitsiFormToken!''}"/>
                                            <input type="hidden" name="id" value="${invite.id}"/>
                                            <button type="submit" class="pf-v5-c-button pf-m-secondary pf-m-danger jitsi-revoke">${msg("jitsiMeetingsRevoke")}</button>
                                        </form>
                                    </#if>
                                </td>
                            </#if>
                        </tr>
                    </#list>
                    </tbody>
                </table>
            <#else>
                <p class="instruction" id="jitsi-meetings-none">${msg("jitsiMeetingsAdminNone")}</p>
            </#if>
            <nav class="jitsi-pages" aria-label="${msg("jitsiMeetingsAdminTitle")}">
                <#if jitsiNewerUrl??><a id="jitsi-newer" class="pf-v5-c-button pf-m-link" href="${jitsiNewerUrl}">${msg("jitsiMeetingsNewer")}</a></#if>
                <#if jitsiOlderUrl??><a id="jitsi-older" class="pf-v5-c-button pf-m-link" href="${jitsiOlderUrl}">${msg("jitsiMeetingsOlder")}</a></#if>
            </nav>
            <p><a id="jitsi-meetings-back" class="pf-v5-c-button pf-m-link pf-m-inline" href="${jitsiPageUrl}">${msg("jitsiMeetingsBack")}</a></p>
        </div>
        <script type="module" src="${url.resourcesPath}/jitsi/meetings.js"></script>
    </#if>
</@layout.registrationLayout>
