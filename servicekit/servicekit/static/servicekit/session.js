// Keeps a signed-in browser's short-lived access cookie fresh while a page stays open
// (browsable API, Swagger UI, admin), so that XHR calls made from the page never meet an
// expired token. The auth service answers with the seconds left; we renew a minute early.
(function () {
  "use strict";
  var RENEW_URL = "/auth/session/renew/";
  var EARLY_SECONDS = 60;
  var timer = null;

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(renew, Math.max(5, seconds - EARLY_SECONDS) * 1000);
  }

  function renew() {
    fetch(RENEW_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "shop-session" },
    })
      .then(function (response) { return response.json(); })
      .then(function (body) { if (body.signed_in) { schedule(body.expires_in); } })
      .catch(function () { schedule(EARLY_SECONDS + 30); });  // the gateway was unreachable: try again
  }

  renew();
})();
