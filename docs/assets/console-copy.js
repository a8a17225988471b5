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
