// The API key the task pane stored (the key negotiate serve was given): sent with every call.
globalThis.getAuth = async function () {
  if (config.authProviders.includes("custom")) {
    return {
      token: globalThis.localStorage.getItem("negotiate-api-key") || "",
      provider: "custom",
    };
  }
  return { token: "", provider: "" };
};
