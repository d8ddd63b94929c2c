// Starts Swagger UI on /docs. Kept out of index.html so that the page's
// Content-Security-Policy can forbid inline scripts.
"use strict";

window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // Credentials typed here must not outlive the tab: nothing goes to localStorage.
    persistAuthorization: false,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    filter: true,
    // Ordo documents itself only; there is no external validator to call (offline).
    validatorUrl: null,
    requestInterceptor: function (request) {
      // Tells Ordo to answer a 401 with a Bearer challenge only, so that a failed call never
      // opens the browser's own Basic login box over the page.
      request.headers["X-Requested-With"] = "XMLHttpRequest";
      return request;
    },
  });
});
