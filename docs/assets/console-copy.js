// The copy button of a `console` block copies only the commands: the "$ "
// prompts and the sample output are left out. A command continued with a
// trailing backslash keeps its continuation lines.
(function () {
  "use strict";

  function commandsOf(text) {
    var out = [];
    var continuing = false;
    text.split("\n").forEach(function (line) {
      if (continuing) {
        out.push(line);
      } else if (/^\$ /.test(line)) {
        line = line.slice(2);
        out.push(line);
      } else {
        return;
      }
      continuing = /\\$/.test(line);
    });
    return out.join("\n");
  }

  // Runs before Material's clipboard handler (capture phase), and sets the
  // text that clipboard.js copies instead of the whole block.
  document.addEventListener(
    "click",
    function (event) {
      // Material 9.7 and later: button.md-code__button[data-md-type=copy];
      // before: button.md-clipboard.
      var button =
        event.target.closest &&
        event.target.closest('.md-code__button[data-md-type="copy"], .md-clipboard');
      if (!button) return;
      var block = button.closest(".language-console");
      if (!block) return;
      var code = block.querySelector("code");
      if (!code) return;
      button.setAttribute("data-clipboard-text", commandsOf(code.textContent));
    },
    true
  );

  window.hpcConsoleCommands = commandsOf;
})();

/* Code annotations get names (kept in this file: a script of its own would be one
 * more request on every page, and the generator page is at its budget of ten).
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
