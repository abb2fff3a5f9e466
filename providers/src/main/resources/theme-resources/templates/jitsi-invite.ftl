<#-- The page of an invitation: the guest's name, then to the meeting. Without jitsiInviteRoom, the link opens nothing and the message says why.
     Room and name are text the host or guest typed: printed (HTML-escaped) beside the messages, never passed into msg(),
     which would look up an argument like ${key} as a message of the theme. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("jitsiInviteTitle")}
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
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
