// Sign-in and sign-out as same-origin form POSTs (docs/architecture.md, "Security model").
//
// introservSignIn: the login form's event answered with a one-time ticket and the browser's half of it
// (`binding`). The binding goes into a short-lived cookie that only /auth/complete receives, the ticket
// into the POST body: the exchange succeeds only in the browser that submitted the login form, and
// never from another site (the route refuses cross-site requests).
window.introservSignIn = function (args) {
  const secure = args.secure ? "; Secure" : "";
  document.cookie =
    "introserv_login=" + encodeURIComponent(args.binding) + "; Path=/auth/complete; Max-Age=120; SameSite=Strict" + secure;
  window.introservPost("/auth/complete", { ticket: args.ticket, next: args.next || "/" });
};

// introservSignOut: the session was already revoked by the event; the POST revokes it again from the
// cookie (for any other way of getting here) and deletes the HttpOnly cookie.
window.introservSignOut = function () {
  window.introservPost("/auth/logout", {});
};

window.introservPost = function (action, fields) {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = action;
  form.style.display = "none";
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = String(value);
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
};
