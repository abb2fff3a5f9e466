<#-- The guest page of the Jitsi login gate: the person signed in but may not start meetings. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("jitsiHostRequiredTitle")}
    <#elseif section = "form">
        <div id="jitsi-host-required">
            <p class="instruction">${msg("jitsiHostRequiredText")}</p>
            <p class="instruction">${msg("jitsiHostRequiredGuest")}</p>
            <#if jitsiMeetingUrl??>
                <a id="jitsi-join-as-guest" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                   href="${jitsiMeetingUrl}">${msg("jitsiJoinAsGuest")}</a>
            <#else>
                <p class="instruction" id="jitsi-no-link">${msg("jitsiHostRequiredNoLink")}</p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
