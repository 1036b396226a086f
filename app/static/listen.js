/* Listen: read the lesson or question aloud with the browser's own voice.
   An extra: without JavaScript, or in a browser with no voice, there is no button. */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var main = document.getElementById("main");
  var heading = main && main.querySelector("h1");
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function" || !heading) return;

  // The parts of a page a person reads, from its heading on: headings, paragraphs, list items, answers.
  var READ = "h1, h2, h3, h4, p, li, dt, dd, legend, label, summary, th, td, blockquote, pre";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "listen-button";
  button.textContent = "Listen";
  heading.parentNode.insertBefore(button, heading);

  function shown(el) {
    return el.getClientRects().length > 0;  // nothing inside a closed "details", nothing hidden
  }

  function passages() {
    var found = [];
    Array.prototype.forEach.call(main.querySelectorAll(READ), function (el) {
      var outer = el.parentElement && el.parentElement.closest(READ);
      var before = el !== heading && !(heading.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (before || (outer && main.contains(outer)) || el.closest(".no-listen") || !shown(el)) return;
      var text = (el.innerText || "").replace(/\s+/g, " ").trim();
      if (text) found.push(text);
    });
    return found;
  }

  function stopped() {
    button.textContent = "Listen";
  }

  button.addEventListener("click", function () {
    if (synth.speaking || synth.pending) {
      synth.cancel();
      stopped();
      return;
    }
    var parts = passages();
    // One utterance a passage: some browsers stop a long one part way through.
    parts.forEach(function (text, index) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en-GB";
      utterance.rate = 0.95;
      if (index === parts.length - 1) {
        utterance.onend = stopped;
      }
      utterance.onerror = stopped;
      synth.speak(utterance);
    });
    if (parts.length) button.textContent = "Stop reading";
  });

  window.addEventListener("pagehide", function () { synth.cancel(); });
}());
