/*
 * The print page: button[data-print] (hidden until this script runs) opens the browser's print
 * dialog. Without the script the page says to use the browser's own Print.
 */
(function () {
  "use strict";

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
