/*
 * Progressive enhancement for server-rendered forms; every page works without it.
 *
 * - form[data-fetch]: submitted with fetch (Accept: application/json). A JSON answer with
 *   `redirect` opens that page; one with `error` (or `message`) is shown in the form's
 *   [data-form-status] element (the next one in the same section), with a link to `latest_url`.
 * - select[data-autosubmit]: submits its form on change.
 * (Moves on the grid, by drag and drop or the keyboard: guided-moves.js.)
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
})();
