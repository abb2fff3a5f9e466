<#-- The hand-over to one of Jitsi's apps after a host signed in: one button whose link opens the meeting in the app,
     with a token for that one meeting. jitsiRoom is the room as Jitsi names it: printed (HTML-escaped), never passed into msg(). -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("jitsiOpenAppTitle")}
    <#elseif section = "form">
        <div id="jitsi-open-app">
            <p class="instruction">${msg("jitsiOpenAppText_" + jitsiApp)} <strong id="jitsi-open-app-room">${jitsiRoom}</strong></p>
            <a id="jitsi-open-app-button" class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
               href="${jitsiAppLink}">${msg("jitsiOpenAppButton")}</a>
            <p class="instruction" id="jitsi-open-app-expiry">${msg("jitsiOpenAppExpiry", jitsiLinkMinutes?c)}</p>
        </div>
    </#if>
</@layout.registrationLayout>
