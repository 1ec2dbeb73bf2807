// Headless Chromium says "HeadlessChrome" in its user agent, which the tracked-link redirector
// rightly takes for a bot; the journeys are people.
export const personUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
