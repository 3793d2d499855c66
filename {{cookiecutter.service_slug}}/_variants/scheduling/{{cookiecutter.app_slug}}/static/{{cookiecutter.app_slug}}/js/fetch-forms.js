/*
 * Progressive enhancement for server-rendered forms; every page works without it.
 *
 * - form[data-fetch]: submitted with fetch (Accept: application/json). A JSON answer with
 *   `redirect` opens that page; one with `error` (or `message`) is shown in the form's
 *   [data-form-status] element (the next one in the same section), with a link to `latest_url`.
 * - select[data-autosubmit]: submits its form on change.
 * - Drag and drop: an element [data-drag-value] dropped onto an element carrying data-drop-*
 *   attributes fills form[data-drag-form]: its `data-drag-field` field gets the dragged value,
 *   each data-drop-NAME attribute sets the field NAME, fields named in `data-drag-reset` are
 *   cleared; then the form is submitted as above.
 */
(function () {
  "use strict";

  function statusFor(form) {
    var scope = form.closest("section, .run, main") || document;
    return scope.querySelector("[data-form-status]");
  }

  function show(form, text, link) {
    var box = statusFor(form);
    if (!box) { if (text) { window.alert(text); } return; }
    box.textContent = text || "";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = "Open the latest revision";
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    }
    box.classList.toggle("visible", Boolean(text));
  }

  function submitForm(form, submitter) {
    var body = submitter ? new FormData(form, submitter) : new FormData(form);
    form.setAttribute("aria-busy", "true");
    show(form, "Saving…");
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: "The server answered " + response.status + "." };
      });
    }).then(function (data) {
      form.removeAttribute("aria-busy");
      if (data.redirect) { window.location.assign(data.redirect); return; }
      show(form, data.error || data.message || "", data.latest_url);
      form.dispatchEvent(new CustomEvent("fetch-form:done", { detail: data, bubbles: true }));
    }).catch(function () {
      form.removeAttribute("aria-busy");
      show(form, "The request failed: check your connection and try again.");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-fetch]") || !window.fetch) { return; }
    event.preventDefault();
    submitForm(form, event.submitter);
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });

  // ---- drag and drop
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-drag-value]");
    if (!item) { return; }
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-drag-value"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    document.querySelectorAll(".drop-over").forEach(function (el) { el.classList.remove("drop-over"); });
  });

  function dropTarget(event) {
    var el = event.target.closest && event.target.closest("[data-drop-day], [data-drop]");
    return el && dragged ? el : null;
  }
  document.addEventListener("dragover", function (event) {
    var target = dropTarget(event);
    if (!target) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("drop-over");
  });
  document.addEventListener("dragleave", function (event) {
    var target = dropTarget(event);
    if (target && !target.contains(event.relatedTarget)) { target.classList.remove("drop-over"); }
  });
  document.addEventListener("drop", function (event) {
    var target = dropTarget(event);
    var form = document.querySelector("form[data-drag-form]");
    if (!target || !form) { return; }
    event.preventDefault();
    target.classList.remove("drop-over");
    var value = event.dataTransfer.getData("text/plain") || dragged.getAttribute("data-drag-value");
    var field = form.elements[form.getAttribute("data-drag-field") || "value"];
    if (field) { field.value = value; }
    (form.getAttribute("data-drag-reset") || "").split(/\s+/).forEach(function (name) {
      if (name && form.elements[name]) { form.elements[name].value = ""; }
    });
    Array.prototype.forEach.call(target.attributes, function (attr) {
      if (attr.name.indexOf("data-drop-") === 0) {
        var input = form.elements[attr.name.slice("data-drop-".length)];
        if (input) { input.value = attr.value; }
      }
    });
    submitForm(form, null);
  });
})();
