// The translator's screen: keyboard shortcuts, "insert" and "copy the source" (no inline script:
// the Content-Security-Policy forbids it). The table of shortcuts is review_shortcuts.html.
"use strict";
(() => {
  const $ = (sel) => document.querySelector(sel);

  function field() { return $("#translation"); }

  // Put text into the translation field as if typed, so the checks run on it (htmx listens).
  function setText(text) {
    const f = field();
    if (!f || f.readOnly) return;
    f.value = text;
    f.dispatchEvent(new Event("input", { bubbles: true }));
    f.focus();
  }

  function sourceText() {
    const el = $("#source-text");
    return el ? el.textContent : "";
  }

  function press(sel) {
    const el = $(sel);
    if (el) { el.click(); return true; }
    return false;
  }

  function typing(target) {
    return target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" ||
                      target.tagName === "SELECT" || target.isContentEditable);
  }

  document.addEventListener("keydown", (e) => {
    if (!$("#panel")) return;
    const key = e.key;
    if ((e.ctrlKey || e.metaKey) && key === "Enter") {
      // Approve (the server saves first when the text changed); Save where approving is not allowed.
      if (e.target && e.target.closest && e.target.closest("#reject-form, .comments")) return;
      e.preventDefault();
      press("#approve") || press("#save");
    } else if (e.altKey && !e.ctrlKey && key === "ArrowDown") {
      e.preventDefault();
      press("#next");
    } else if (e.altKey && !e.ctrlKey && key === "ArrowUp") {
      e.preventDefault();
      press("#prev");
    } else if ((e.ctrlKey || e.metaKey) && e.shiftKey && (key === "C" || key === "c")) {
      e.preventDefault();
      setText(sourceText());
    } else if ((e.ctrlKey || e.metaKey) && e.shiftKey && (key === "R" || key === "r")) {
      e.preventDefault();
      const reason = $("#reason");
      if (reason) reason.focus();
    } else if (key === "?" && !typing(e.target)) {
      e.preventDefault();
      const box = $("#shortcuts");
      if (box) { box.open = !box.open; if (box.open) box.querySelector("summary").focus(); }
    }
  });

  document.addEventListener("click", (e) => {
    const insert = e.target.closest && e.target.closest("button[data-insert]");
    if (insert) { setText(insert.dataset.insert); return; }
    const copy = e.target.closest && e.target.closest("button[data-copy]");
    if (copy) setText(sourceText());
  });

  // After htmx swaps in another unit (or the same one, answered), put the cursor in its field.
  document.addEventListener("htmx:afterSettle", () => {
    const f = field();
    if (f && $("#panel") && !document.querySelector("#panel [role=alert]")) f.focus();
  });

  // Buttons that need JavaScript stay hidden without it.
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", () => {
    const f = field();
    if (f && !document.querySelector("[role=alert]")) f.focus();
  });
})();
