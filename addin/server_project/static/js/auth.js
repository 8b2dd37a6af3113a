// The API key the task pane stored (negotiate serve --api-key): sent with every call.
globalThis.getAuth = async function () {
  if (config.authProviders.includes("custom")) {
    return {
      token: globalThis.localStorage.getItem("negotiate-api-key") || "",
      provider: "custom",
    };
  }
  return { token: "", provider: "" };
};
