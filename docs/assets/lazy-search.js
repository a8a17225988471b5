/* Material's search, loaded when the reader first uses it.
 *
 * On every page load Material fetches the search index (search/search_index.json,
 * about 300 KB, half of what the home page weighed) and starts its search worker
 * (40 KB, then the lunr language scripts), whether or not the reader searches.
 * This script runs before Material's bundle (overrides/main.html) and holds both
 * back until search is first used: the search box gets the focus (a click, a tap,
 * or the keyboard shortcuts / s f, which focus it) or the search icon is tapped.
 * Material does the same by itself for pages opened as file://.
 *
 * - The index: Material requests it with XMLHttpRequest; its send() waits.
 * - The worker: started on the first message Material posts to it, which is
 *   the index once it has arrived.
 *
 * Checked in a browser by tests/site/test_browser.py (nothing of search loads
 * before use; results after it) and weighed by scripts/bench-site.
 */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var SEARCH_WORKER = /\/workers\/search\.[^/]*\.js(?:[?#]|$)/;
  var used = false;
  var waiting = [];

  function use() {
    if (used) return;
    used = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.hpcSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (!xhr.hpcSearchIndex || used) return send.apply(xhr, args);
    waiting.push(function () { send.apply(xhr, args); });
  };

  var RealWorker = window.Worker;
  if (RealWorker) {
    /* Stands in for the search worker until Material first posts to it. */
    class LazyWorker extends EventTarget {
      constructor(url, options) {
        super();
        this.url = url;
        this.options = options;
        this.real = null;
        this.onmessage = null;
        this.onerror = null;
      }
      start() {
        if (this.real) return this.real;
        var self = this;
        this.real = new RealWorker(this.url, this.options);
        ["message", "messageerror", "error"].forEach(function (type) {
          self.real.addEventListener(type, function (event) {
            var copy = type === "error"
              ? new ErrorEvent("error", { message: event.message })
              : new MessageEvent(type, { data: event.data });
            self.dispatchEvent(copy);
            var handler = self["on" + type];
            if (typeof handler === "function") handler.call(self, copy);
          });
        });
        return this.real;
      }
      postMessage(message, transfer) {
        this.start().postMessage(message, transfer);
      }
      terminate() {
        if (this.real) this.real.terminate();
      }
    }
    window.Worker = function Worker(url, options) {
      return SEARCH_WORKER.test(String(url))
        ? new LazyWorker(url, options)
        : new RealWorker(url, options);
    };
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("md-search__input")) use();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) use();
  });

  /* For the browser test and the benchmark: has search been used on this page? */
  window.hpcSearchUsed = function () { return used; };
})();
