/* Names for what Material's bundle adds to the page without one.
 *
 * A code annotation is an <aside> the reader focuses (Tab) to open; inside it
 * Material puts a link to the annotation's text whose only content is an
 * empty <span> that CSS numbers. A screen reader finds a link with no name
 * (axe-core's link-name, a serious violation: tests/site/test_a11y.py), so
 * each gets one, "注释 1" or "Annotation 1", in the page's language.
 * Material adds them after the page has loaded: a MutationObserver names each
 * as it comes.
 */
(function () {
  "use strict";
  var WORD = /^zh\b/i.test(document.documentElement.lang) ? "注释 " : "Annotation ";

  function name(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll(".md-annotation__index:not([aria-label])").forEach(function (link) {
      var id = link.querySelector("[data-md-annotation-id]");
      var number = id ? id.getAttribute("data-md-annotation-id") : "";
      link.setAttribute("aria-label", (WORD + number).trim());
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(name);
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  name(document);
})();
