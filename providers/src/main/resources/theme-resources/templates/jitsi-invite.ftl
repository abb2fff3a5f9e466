<#-- The page of an invitation: the guest's name, then to the meeting. Without jitsiInviteRoom, the link opens nothing:
     jitsiInviteRefusal names what happened (one of a fixed set of codes, for the heading), the message says why, and the
     way forward follows (the meeting's address when the link opened an invitation that ended or was used up).
     Room and name are text the host or guest typed: printed (HTML-escaped) beside the messages, never passed into msg(),
     which would look up an argument like ${key} as a message of the theme. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        <#if jitsiInviteRoom??>
            ${msg("jitsiInviteTitle")}
        <#else>
            ${msg("jitsiInviteRefusedTitle_" + (jitsiInviteRefusal!"unavailable"))}
        </#if>
    <#elseif section = "form">
        <div id="jitsi-invite">
            <#if jitsiInviteRoom??>
                <p class="instruction" id="jitsi-invite-room">${msg("jitsiInviteText")} <strong id="jitsi-invite-room-name">${jitsiInviteRoom}</strong></p>
                <form id="jitsi-invite-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                    <#if jitsiInviteName??>
                        <p class="instruction" id="jitsi-invite-fixed-name">${msg("jitsiInviteFixedName")} <strong id="jitsi-invite-name">${jitsiInviteName}</strong></p>
                    <#else>
                        <div class="${properties.kcFormGroupClass!}">
                            <label for="name" class="${properties.kcLabelClass!}">${msg("jitsiInviteName")}</label>
                            <input id="name" name="name" type="text" class="${properties.kcInputClass!}" maxlength="64"
                                   autocomplete="name" autofocus required value="${jitsiInviteTyped!''}"/>
                        </div>
                    </#if>
                    <div class="${properties.kcFormGroupClass!}">
                        <input id="jitsi-invite-join" type="submit"
                               class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                               value="${msg("jitsiInviteJoin")}"/>
                    </div>
                </form>
            <#else>
                <div id="jitsi-invite-next">
                    <#if jitsiInviteRetryUrl??>
                        <a id="jitsi-invite-retry" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}"
                           href="${jitsiInviteRetryUrl}">${msg("jitsiInviteRetry")}</a>
                    </#if>
                    <#if jitsiInviteMeetingUrl??>
                        <p class="instruction" id="jitsi-invite-meeting-text">${msg("jitsiInviteMeetingText")}</p>
                        <a id="jitsi-invite-meeting" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}"
                           href="${jitsiInviteMeetingUrl}" rel="noreferrer">${msg("jitsiInviteMeetingLink")}</a>
                    </#if>
                </div>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
