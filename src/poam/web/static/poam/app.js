// poam: the little behaviour the pages need beyond htmx. Dialogs open with the keyboard or the
// mouse, close with Escape (native) or Cancel, and give focus back to the button that opened them.
(function () {
  "use strict";
  function openDialog(dialog, opener) {
    if (!dialog || dialog.open) return;
    dialog.poamOpener = opener || document.activeElement;
    dialog.showModal();
    var first = dialog.querySelector("input, textarea, select, button");
    if (first) first.focus();
  }
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      openDialog(document.getElementById(opener.getAttribute("data-open-dialog")), opener);
      return;
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog.tagName === "DIALOG" && dialog.poamOpener && dialog.poamOpener.focus) {
      dialog.poamOpener.focus();
    }
  }, true);
  // Marking an entry without evidence done: show the evidence prompt as soon as the status
  // is chosen, before the form is sent (the server asks the same without scripts).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-evidence-prompt]")) return;
    var prompt = document.getElementById(select.getAttribute("data-evidence-prompt"));
    if (!prompt) return;
    var open = (select.getAttribute("data-open-statuses") || "").split(" ");
    prompt.hidden = open.indexOf(select.value) !== -1;
  });
  document.addEventListener("DOMContentLoaded", function () {
    var pending = document.querySelector("dialog[data-open-on-load]");
    if (pending) {
      var opener = document.querySelector('[data-open-dialog="' + pending.id + '"]');
      openDialog(pending, opener);
    }
  });
})();
