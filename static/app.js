// Starts Det Fælles Designsystem's components (menus, accordions, modals, ...) once the page is
// parsed. It lives in a file because the Content-Security-Policy forbids inline scripts.
// Loaded with `defer` after /static/dkfds/js/dkfds.min.js, which defines window.DKFDS.
(function () {
  "use strict";

  function start() {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      window.DKFDS.init();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
