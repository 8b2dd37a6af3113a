// Task pane: store the API key in this add-in's local storage (never sent anywhere else).
const input = document.getElementById("negotiate-api-key");
const status = document.getElementById("negotiate-api-key-status");
if (input) {
  input.value = globalThis.localStorage.getItem("negotiate-api-key") || "";
  document.getElementById("negotiate-api-key-save").addEventListener("click", () => {
    globalThis.localStorage.setItem("negotiate-api-key", input.value.trim());
    status.textContent = "Saved. Recalculate (Ctrl+Alt+F9) to call the functions again.";
  });
}
