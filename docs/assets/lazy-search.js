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
 * before use; results after it) and weighed by bench-site.
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

  /* Chinese queries, cut into the words the index has.
   *
   * The index is cut into words by jieba when the site is built; the reader's
   * query is not. Material cuts a run of Chinese characters by trying, at each
   * place, the longest word of the index that starts there, and adds the
   * shorter pieces where words overlap: 作业数组 became the terms 作 and 业数组,
   * and a hit with both 作业 and 数组 was shown as missing 作. Here the query is
   * cut into the fewest words of the index before Material sees it (作业 数组),
   * so each term is a word that jieba made and a hit with every word shows no
   * missing line. The words are those of the index Material is given.
   *
   * Material's worker then cuts every run of Chinese characters once more
   * (its experimental segment(), Material 9.8), and that never ends a word at
   * the run's last character: it tries only the pieces that stop before it.
   * Each word sent alone was cut back to its first characters, 作业 to 作 and
   * 数组 to 数, and searched for as the prefixes 作* and 数*: any page with a
   * word that starts with 作 ranked as a hit, and the result links highlighted
   * 作 and 数. So each word of two or more characters is sent with one more
   * Han character behind it, END, which that cut drops: it stops before END
   * at the longest word of the index, the word itself. END is a CJK radical
   * (U+2E80) that no page uses; it would only reach the search if the word were
   * not in Material's index, which holds the same jieba words this script reads.
   */
  var END = "\u2e80";
  var HAN = /\p{sc=Han}+/gu;
  var words = null;
  var longest = 1;

  function learn(docs) {
    words = new Set();
    docs.forEach(function (doc) {
      [doc.title, doc.text].forEach(function (text) {
        (String(text || "").match(HAN) || []).forEach(function (word) {
          words.add(word);
          if (word.length > longest) longest = word.length;
        });
      });
    });
  }

  /* The fewest words of the index that make up run; a character no word has stands alone. */
  function segment(run) {
    var best = [{ cost: 0, from: 0 }];
    for (var end = 1; end <= run.length; end++) {
      best[end] = { cost: best[end - 1].cost + 2, from: end - 1 };
      for (var start = Math.max(0, end - longest); start < end - 1; start++) {
        var cost = best[start].cost + 1;
        if (cost < best[end].cost && words.has(run.slice(start, end))) {
          best[end] = { cost: cost, from: start };
        }
      }
      if (words.has(run[end - 1]) && best[end - 1].cost + 1 < best[end].cost) {
        best[end] = { cost: best[end - 1].cost + 1, from: end - 1 };
      }
    }
    var parts = [];
    for (var at = run.length; at > 0; at = best[at].from) parts.unshift(run.slice(best[at].from, at));
    return parts;
  }

  function segmentQueries(message) {
    if (message && message.type === 0 && message.data && message.data.docs) learn(message.data.docs);
    if (message && message.type === 2 && typeof message.data === "string" && words) {
      var query = message.data.replace(HAN, function (run) {
        return segment(run).map(function (part) {
          return part.length > 1 && words.has(part) ? part + END : part;
        }).join(" ");
      });
      return { type: 2, data: query };
    }
    return message;
  }
  window.hpcSegment = function (run) { return words ? segment(run) : null; };

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
        this.start().postMessage(segmentQueries(message), transfer);
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
