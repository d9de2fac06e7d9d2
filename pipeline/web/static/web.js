// Small behaviours of the web workspace (no inline scripts: the Content-Security-Policy forbids them).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // After an htmx request fails, move focus to the message so keyboard and screen-reader users
  // hear it.
  document.body.addEventListener("htmx:responseError", () => {
    const alert = document.querySelector("#alerts [role=alert]");
    if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
  });
});
