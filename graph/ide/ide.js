// Starts GraphiQL against this server's endpoint. The browser's session cookie authenticates it.
(function () {
  var root = document.getElementById('graphiql');
  var endpoint = root.getAttribute('data-endpoint');
  var fetcher = GraphiQL.createFetcher({ url: endpoint, fetch: function (url, init) {
    init = init || {};
    init.credentials = 'same-origin';
    return window.fetch(url, init);
  } });
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
