import { initAll } from "../dist/govuk/govuk-frontend.min.js";

initAll();

// Components that htmx swaps in need GOV.UK Frontend's behaviour too.
document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.detail.elt });
});
