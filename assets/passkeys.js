// Passkeys (WebAuthn) for the settings page and the login page. The server sends the options as JSON
// (py_webauthn's options_to_json); the browser's own parsers turn them into what navigator.credentials
// wants, and the credential goes back as JSON. Always resolves to a JSON string: an error (cancelled,
// timed out, no passkey) comes back as {"error": name} so the page can say so.
window.introservPasskey = async function (kind, optionsJson) {
  try {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      return JSON.stringify({ error: "unsupported" });
    }
    const options = JSON.parse(optionsJson);
    const credential =
      kind === "create"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    return JSON.stringify(credential.toJSON());
  } catch (e) {
    return JSON.stringify({ error: String((e && e.name) || e) });
  }
};
