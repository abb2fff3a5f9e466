<#-- The page of an invitation: the guest's name, then to the meeting. Without jitsiInviteRoom, the link opens nothing and the message says why. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("jitsiInviteTitle")}
    <#elseif section = "form">
        <div id="jitsi-invite">
            <#if jitsiInviteRoom??>
                <p class="instruction" id="jitsi-invite-room">${msg("jitsiInviteText", jitsiInviteRoom)}</p>
                <form id="jitsi-invite-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                    <#if jitsiInviteName??>
                        <p class="instruction" id="jitsi-invite-fixed-name">${msg("jitsiInviteFixedName", jitsiInviteName)}</p>
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
