// A live client: every page renders in the browser (the server serves the SPA shell).
export const ssr = false;
export const prerender = false;
