/*
 * Guided moves on the grid; the Move form and "Find a place" work without this script.
 *
 * Picking up a lecture (drag its card, or focus the card and press Enter) asks the server where
 * it could go (the places URL on [data-places-url]) and labels every cell, in words and colour:
 * clean, costs soft points, or breaks a hard rule, with the verifier's reasons in the hint line.
 * With the keyboard the arrow keys walk the cells, Enter moves, Escape cancels. A drop moves the
 * lecture into the room the server chose there; on a cell holding lectures of this view it offers
 * a swap; moving a pinned lecture or breaking a hard rule asks first. The forms it fills
 * (#move-form, #swap-form) are submitted as data-fetch forms (fetch-forms.js).
 */
(function () {
  "use strict";

  var main = document.querySelector("[data-places-url]");
  var moveForm = document.getElementById("move-form");
  var swapForm = document.getElementById("swap-form");
  var dialog = document.getElementById("move-dialog");
  var hint = document.getElementById("move-hint");
  if (!main || !moveForm || !swapForm || !window.fetch) { return; }
  var SCROLL_KEY = "guided-moves:return";
  var held = null; // {card, key, course, data, loading, keyboard, cursor, over, busy}

  function say(text) { if (hint) { hint.textContent = text || ""; } }
  // Keep the hint off the cell in play: at the window's bottom, or at its top when that cell
  // is down there.
  function placeHint(td) {
    if (!hint) { return; }
    var low = td.getBoundingClientRect().bottom > window.innerHeight - hint.offsetHeight - 8;
    hint.classList.toggle("at-top", low);
  }
  function cellAt(day, period) { return document.getElementById("cell-" + day + "-" + period); }
  function cellKey(td) {
    return td.getAttribute("data-drop-day") + "-" + td.getAttribute("data-drop-period");
  }
  function cells() { return main.querySelectorAll("td.cell[data-drop-day]"); }
  function courseOf(card) { return card.getAttribute("data-course"); }

  // ---- picking up and putting down
  function pickUp(card, keyboard) {
    clear();
    var key = card.getAttribute("data-lecture");
    held = { card: card, key: key, course: courseOf(card), data: null, keyboard: keyboard };
    card.classList.add("picked");
    say("Finding where " + held.course + " could go…");
    var url = main.getAttribute("data-places-url") + "&lecture=" + encodeURIComponent(key);
    var mine = held;
    mine.loading = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (held !== mine) { return null; }
        if (data.error) { say(data.error); return null; }
        mine.data = data;
        cells().forEach(label);
        // What the cell under the keyboard's cursor or the pointer would do; at the start, where
        // the lecture is now, what picking it up offers.
        var at = mine.cursor || mine.over;
        say(at && !at.contains(mine.card) ? describe(at) : introduction(data));
        return data;
      })
      .catch(function () { say("Could not ask where it can go: check your connection."); return null; });
  }

  function introduction(data) {
    var best = data.best.length ? data.targets[data.best[0]] : null;
    return "Moving " + data.course + " (" + data.when + ")" + (data.pinned ? ", pinned" : "") + ". " +
      (best ? "Best: " + best.text : "No other time in the week.") +
      (held && held.keyboard ? " Arrow keys choose a time, Enter moves, Escape cancels." : "");
  }

  function label(td) {
    var target = held.data.targets[cellKey(td)];
    if (td.contains(held.card)) {
      td.classList.add("target-here");
      td.setAttribute("data-target", "here now");
    } else if (target) {
      td.classList.add("target-" + target.kind);
      var mark = { clean: "✓ ", soft: "◆ ", hard: "⚠ " }[target.kind];
      td.setAttribute("data-target", mark + target.summary);
      td.setAttribute("title", target.text);
    }
  }

  function clear() {
    cells().forEach(function (td) {
      td.classList.remove("target-clean", "target-soft", "target-hard", "target-here", "move-cursor");
      td.removeAttribute("data-target");
      td.removeAttribute("title");
    });
    if (held) { held.card.classList.remove("picked"); }
    held = null;
  }

  function cancel(text) {
    var card = held && held.card;
    var keyboard = held && held.keyboard;
    clear();
    say(text || "");
    // After a dialog closes (it gives focus back to where it was opened), not before.
    if (card && keyboard) { window.setTimeout(function () { card.focus(); }, 0); }
  }

  // What a drop on `td` would do, for the hint line.
  function describe(td) {
    if (!held || !held.data) { return "Finding where it could go…"; }
    if (td.contains(held.card)) { return held.course + " is here now: Enter or a drop here changes nothing."; }
    var target = held.data.targets[cellKey(td)];
    if (!target) { return ""; }
    var swaps = swapsIn(td).map(function (c) {
      return "swap with " + courseOf(c) + ": " + held.data.swaps[c.getAttribute("data-lecture")].summary;
    });
    return target.text + (swaps.length ? " Or " + swaps.join("; ") + "." : "");
  }

  function swapsIn(td) {
    return Array.prototype.filter.call(td.querySelectorAll(".lecture[data-lecture]"), function (c) {
      return c !== held.card && held.data.swaps[c.getAttribute("data-lecture")];
    });
  }

  // ---- a drop: move, or ask first
  function decide(td) {
    var mine = held;
    if (!mine || mine.busy) { return; }
    mine.busy = true;
    mine.loading.then(function (data) {
      mine.busy = false;
      if (held !== mine) { return; }
      if (!data) { clear(); return; } // the places could not be read: the hint says so
      if (td.contains(mine.card)) { cancel("Not moved: " + mine.course + " is already there."); return; }
      var target = data.targets[cellKey(td)];
      if (!target) { cancel("Not moved."); return; }
      var swaps = swapsIn(td);
      var asks = [];
      if (data.pinned) { asks.push(mine.course + " is pinned: generations keep it where it is."); }
      if (swaps.length) {
        asks.push(target.when + " already holds " + swaps.map(courseOf).join(", ") + ".");
      } else if (target.kind === "hard") {
        asks.push("Moving " + mine.course + " to " + target.when + " breaks a hard rule.");
      }
      if (!asks.length) { submitMove(target); return; }
      var choices = swaps.map(function (c) {
        var other = c.getAttribute("data-lecture");
        return {
          text: "Swap with " + courseOf(c),
          detail: explain(data.swaps[other]),
          run: function () { submitSwap(other); }
        };
      });
      choices.push({
        text: swaps.length ? "Move it there too" : "Move it anyway",
        detail: explain(target),
        run: function () { submitMove(target); }
      });
      ask(asks.join(" "), choices);
    });
  }

  function explain(outcome) {
    return outcome.summary + (outcome.reasons.length ? ": " + outcome.reasons.join("; ") + "." : ".");
  }

  function ask(text, choices) {
    if (!dialog || !dialog.showModal) { // no <dialog>: the plain move, confirmed
      if (window.confirm(text)) { choices[choices.length - 1].run(); } else { cancel("Not moved."); }
      return;
    }
    dialog.querySelector("h2").textContent = "Move " + held.course + "?";
    dialog.querySelector(".dialog-text").textContent = text;
    var actions = dialog.querySelector(".dialog-actions");
    actions.textContent = "";
    choices.concat([{ text: "Cancel", run: function () { cancel("Not moved."); }, secondary: true }])
      .forEach(function (choice) {
        var row = document.createElement("div");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.text;
        if (choice.secondary) { button.className = "secondary"; }
        button.addEventListener("click", function () { dialog.close("chosen"); choice.run(); });
        row.appendChild(button);
        if (choice.detail) {
          var detail = document.createElement("p");
          detail.className = "choice-detail";
          detail.textContent = choice.detail;
          row.appendChild(detail);
        }
        actions.appendChild(row);
      });
    dialog.returnValue = "";
    dialog.showModal();
    actions.querySelector("button").focus();
  }
  if (dialog) {
    dialog.addEventListener("cancel", function () { cancel("Not moved."); }); // Escape
  }

  function remember(day, period) {
    try {
      window.sessionStorage.setItem(SCROLL_KEY, JSON.stringify({
        y: window.scrollY, cell: "cell-" + day + "-" + period, course: held.course,
        keyboard: held.keyboard
      }));
    } catch (e) { /* private mode: the page opens at the top */ }
  }

  function submitMove(target) {
    var fields = moveForm.elements;
    fields.lecture.value = held.key;
    fields.day.value = String(target.day);
    fields.period.value = String(target.period);
    fields.room.value = target.room;
    if (fields.note) { fields.note.value = ""; }
    remember(target.day, target.period);
    say("Saving…");
    moveForm.requestSubmit();
  }

  function submitSwap(other) {
    var parts = other.split("|");
    swapForm.elements.lecture.value = held.key;
    swapForm.elements.other.value = other;
    remember(parts[1], parts[2]);
    say("Saving…");
    swapForm.requestSubmit();
  }

  // A refused edit: say why where the officer is looking, and put the lecture down.
  document.addEventListener("fetch-form:done", function (event) {
    var form = event.target;
    if ((form === moveForm || form === swapForm) && held) {
      var data = event.detail || {};
      var text = data.error || data.message || "";
      clear();
      say(text);
      try { window.sessionStorage.removeItem(SCROLL_KEY); } catch (e) { /* nothing kept */ }
    }
  });

  // After a saved move the page reloads: back where the officer was, focus on the moved card.
  (function restore() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(SCROLL_KEY) || "null");
      window.sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { saved = null; }
    if (!saved) { return; }
    window.scrollTo(0, saved.y || 0);
    var td = document.getElementById(saved.cell);
    var card = td && td.querySelector(".lecture[data-course='" + CSS.escape(saved.course) + "']");
    if (!card) { return; }
    var box = card.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { // pushed away, by the draft's panel say
      card.scrollIntoView({ block: "center" });
    }
    if (saved.keyboard) { card.focus({ preventScroll: true }); }
  })();

  // ---- the mouse: drag and drop
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".lecture[data-lecture][draggable=true]");
    if (!card) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-lecture"));
    pickUp(card, false);
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".lecture");
    if (card) { card.classList.remove("dragging"); }
    main.querySelectorAll(".drop-over").forEach(function (td) { td.classList.remove("drop-over"); });
    if (held && !held.keyboard && !held.busy && !(dialog && dialog.open)) { cancel(); }
  });
  function dropCell(event) {
    var td = event.target.closest && event.target.closest("td.cell[data-drop-day]");
    return td && held && !held.keyboard ? td : null;
  }
  document.addEventListener("dragover", function (event) {
    var td = dropCell(event);
    if (!td) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!td.classList.contains("drop-over")) {
      main.querySelectorAll(".drop-over").forEach(function (el) { el.classList.remove("drop-over"); });
      td.classList.add("drop-over");
      held.over = td;
      say(describe(td));
      placeHint(td);
    }
  });
  document.addEventListener("drop", function (event) {
    var td = dropCell(event);
    if (!td) { return; }
    event.preventDefault();
    td.classList.remove("drop-over");
    decide(td);
  });

  // ---- the keyboard: Enter picks up, arrows walk, Enter puts down, Escape cancels
  function moveCursor(td) {
    if (!td) { return; }
    if (held.cursor) { held.cursor.classList.remove("move-cursor"); }
    held.cursor = td;
    td.classList.add("move-cursor");
    td.setAttribute("tabindex", "-1");
    td.focus();
    say(describe(td));
    placeHint(td);
  }
  var STEPS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  document.addEventListener("keydown", function (event) {
    if (dialog && dialog.open) { return; }
    var card = event.target.closest && event.target.closest(".lecture[data-lecture][draggable=true]");
    if (card && event.target === card && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      pickUp(card, true);
      moveCursor(card.closest("td.cell"));
      return;
    }
    if (!held || !held.keyboard) { return; }
    if (event.key === "Escape") {
      event.preventDefault();
      cancel("Not moved.");
      return;
    }
    // Arrows and Enter belong to the cursor only while it has the focus (not a select's).
    if (event.target !== held.cursor) { return; }
    var step = STEPS[event.key];
    if (step) {
      event.preventDefault();
      var day = Number(held.cursor.getAttribute("data-drop-day")) + step[0];
      var period = Number(held.cursor.getAttribute("data-drop-period")) + step[1];
      moveCursor(cellAt(day, period) || held.cursor);
    } else if (event.key === "Enter") {
      event.preventDefault();
      decide(held.cursor);
    }
  });
})();
