// Runs first in <body>, as GOV.UK Frontend expects, from a file because the
// Content-Security-Policy allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
