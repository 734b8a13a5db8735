// Starts GraphiQL on the same-origin /graphql endpoint. A file of its own,
// so the page's Content-Security-Policy allows scripts from this server only.
(function () {
  'use strict';

  var ENDPOINT = '/graphql';

  var DEFAULT_QUERY = [
    '# The NATO\u2013Russia Council and the NATO\u2013Georgia Commission, from the first seeded article.',
    '# Press the run button (or Ctrl-Enter) to execute.',
    'query NatoRussiaRelations {',
    '  council: relations(between: ["nato", "russia"], type: "council") {',
    '    ...relationWithHistory',
    '  }',
    '  commission: relations(between: ["nato", "georgia"], type: "commission") {',
    '    ...relationWithHistory',
    '  }',
    '}',
    '',
    'fragment relationWithHistory on RelationConnection {',
    '  edges {',
    '    node {',
    '      label',
    '      source { slug name }',
    '      target { slug name }',
    '      before: status(asOf: "2008-07-31")',
    '      after: status(asOf: "2008-09-01")',
    '      history {',
    '        status',
    '        from { edtf earliest latest }',
    '        to { edtf }',
    '        citations { quote article { title publisher publishedAt } }',
    '      }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  // POSTs the operation to the same-origin /graphql endpoint. Headers typed
  // into GraphiQL's "Headers" editor are added on top of the defaults.
  function fetcher(graphQLParams, opts) {
    var headers = new Headers({
      'Content-Type': 'application/json',
      'Accept': 'application/graphql-response+json, application/json'
    });
    var extra = opts && opts.headers;
    if (extra && typeof extra === 'object') {
      Object.keys(extra).forEach(function (name) {
        headers.set(name, String(extra[name]));
      });
    }
    return fetch(ENDPOINT, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(graphQLParams),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (err) {
          return {
            errors: [{
              message: 'HTTP ' + response.status + ' ' + response.statusText +
                ' (response is not JSON): ' + text.slice(0, 2000)
            }]
          };
        }
      });
    });
  }

  var container = document.getElementById('graphiql');
  if (typeof React === 'undefined' || typeof ReactDOM === 'undefined' || typeof GraphiQL === 'undefined') {
    container.textContent = 'The GraphQL playground scripts failed to load from /playground/.';
    return;
  }

  var props = {
    fetcher: fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: false,
    shouldPersistHeaders: false
  };

  // /?query=<urlencoded>&variables=<urlencoded JSON> (the explorer's "query"
  // links) opens that operation instead of the default one.
  var params = new URLSearchParams(window.location.search);
  var linkedQuery = params.get('query');
  if (linkedQuery) {
    props.query = linkedQuery;
    var linkedVariables = params.get('variables');
    if (linkedVariables) {
      try {
        linkedVariables = JSON.stringify(JSON.parse(linkedVariables), null, 2);
      } catch (err) {
        // Not JSON: shown as given, GraphiQL reports the problem on run.
      }
      props.variables = linkedVariables;
      props.defaultEditorToolsVisibility = 'variables';
    }
  }

  ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
})();
