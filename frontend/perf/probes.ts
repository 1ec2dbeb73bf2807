// Installed in every document before the app's scripts (page.addInitScript): records, with the
// page's clock, when the app put what the benchmarks wait for into the DOM and when the browser
// painted it, and when each GraphQL request went out and came back.
//
// "Painted": a MutationObserver sees the element arrive (its callback runs right after the DOM
// change, before rendering); the next animation frame's callback runs just before that frame's
// style, layout and paint, and a message posted from it is delivered once that frame is done. Its
// arrival time is the paint time (the common requestAnimationFrame + postMessage technique; Element
// Timing would need an attribute in the app's markup).

export type Req = { op: string; start: number; ttfb: number; end: number };
export type FeedSample = {
  dom: number; // navigation start → first post card in the DOM
  paint: number; // navigation start → first post card painted
  htmlEnd: number; // navigation start → the HTML document's response end
  fcp: number | null; // first contentful paint
  lcp: number | null; // largest contentful paint so far
  feedRequest: Req | null; // the Feed query: sent, server time (TTFB), response end, from navigation start
  requests: Req[]; // every GraphQL request of the load
  resources: { name: string; start: number; end: number; bytes: number }[]; // everything the load fetched
};
export type SearchSample = {
  query: string;
  total: number; // keystroke (keydown's timestamp) → results for the query painted
  dom: number; // keystroke → results in the DOM
  request: Req | null; // the Search query of this keystroke, times from the keystroke
  error: string | null;
};

type SearchProbe = { want: string; t0: number | null; dom: number | null; paint: number | null; error: string | null };

declare global {
  interface Window {
    __perf: {
      feed: { dom: number; paint: number | null } | null;
      search: SearchProbe | null;
      fetches: { op: string; start: number }[];
      lcp: number | null;
      armSearch: (want: string) => void;
      collectFeed: () => FeedSample;
      collectSearch: () => SearchSample;
    };
  }
}

export function probes() {
  performance.setResourceTimingBufferSize(10_000);
  const perf: Window['__perf'] = {
    feed: null,
    search: null,
    fetches: [],
    lcp: null,
    armSearch(want) {
      perf.search = { want, t0: null, dom: null, paint: null, error: null };
    },
    collectFeed() {
      const f = perf.feed!;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const reqs = requests(0);
      return {
        dom: f.dom,
        paint: f.paint!,
        htmlEnd: nav?.responseEnd ?? NaN,
        fcp,
        lcp: perf.lcp,
        feedRequest: reqs.find((r) => r.op === 'Feed') ?? null,
        requests: reqs,
        resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
          name: new URL(e.name).pathname,
          start: Math.round(e.startTime),
          end: Math.round(e.responseEnd),
          bytes: e.transferSize,
        })),
      };
    },
    collectSearch() {
      const s = perf.search!;
      const t0 = s.t0!;
      const req = requests(t0).find((r) => r.op === 'Search') ?? null;
      const rel = (r: Req): Req => ({ op: r.op, start: r.start - t0, ttfb: r.ttfb, end: r.end - t0 });
      return { query: s.want, total: s.paint! - t0, dom: s.dom! - t0, request: req && rel(req), error: s.error };
    },
  };
  window.__perf = perf;

  // GraphQL requests: the operation from the request, the timings from Resource Timing.
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/graphql')) {
      let op = new URL(url, location.href).searchParams.get('operationName') ?? '';
      if (!op && typeof init?.body === 'string') {
        try {
          op = JSON.parse(init.body).operationName ?? '';
        } catch {
          // not JSON
        }
      }
      perf.fetches.push({ op, start: performance.now() });
    }
    return realFetch(input, init);
  };
  function requests(since: number): Req[] {
    const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
      (e) => e.name.includes('/graphql') && e.startTime >= since - 1,
    );
    // Requests and Resource Timing entries pair up in the order they started.
    const used = new Set<number>();
    return entries
      .sort((a, b) => a.startTime - b.startTime)
      .map((e) => {
        const i = perf.fetches.findIndex((f, j) => !used.has(j) && f.start <= e.startTime + 1 && e.startTime - f.start < 50);
        if (i >= 0) used.add(i);
        const ttfb = e.requestStart > 0 ? e.responseStart - e.requestStart : e.responseStart - e.startTime;
        return { op: i >= 0 ? perf.fetches[i].op : '', start: e.startTime, ttfb, end: e.responseEnd };
      });
  }

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) perf.lcp = e.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });

  function afterPaint(done: (t: number) => void) {
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => done(performance.now());
      ch.port2.postMessage(null);
    });
  }

  addEventListener(
    'keydown',
    (e) => {
      if (perf.search && perf.search.t0 === null) perf.search.t0 = e.timeStamp;
    },
    true,
  );

  function check() {
    const main = document.getElementById('main');
    if (!main) return;
    if (perf.feed === null && location.pathname === '/feed' && main.querySelector('article')) {
      const f = { dom: performance.now(), paint: null as number | null };
      perf.feed = f;
      afterPaint((t) => (f.paint = t));
    }
    const s = perf.search;
    if (s && s.t0 !== null && s.dom === null && location.pathname === '/search') {
      // The results say which text they answer (the URL follows the text only once typing
      // pauses); neither a spinner, nor results still busy loading, nor an error stands there.
      const results = main.querySelector('[data-results-for]');
      if (!results || results.getAttribute('data-results-for') !== s.want) return;
      const alert = results.querySelector('[role="alert"]');
      if (alert) {
        s.error = alert.textContent ?? 'error';
        s.dom = performance.now();
        afterPaint((t) => (s.paint = t));
        return;
      }
      if (main.querySelector('h2[aria-live]') && !main.querySelector('[role="status"], [aria-busy="true"]')) {
        s.dom = performance.now();
        afterPaint((t) => (s.paint = t));
      }
    }
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-busy', 'data-results-for'] });
}
