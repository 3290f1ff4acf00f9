// Initialise every GOV.UK Frontend component on the page (data-module="govuk-*").
// Loaded as <script type="module">, so it only runs in browsers that GOV.UK
// Frontend supports (the inline script in base.html adds the matching
// `govuk-frontend-supported` class on <body>).
import { initAll } from '../govuk/govuk-frontend.min.js';

initAll();
