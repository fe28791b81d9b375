// Display board: a chime and a spoken call for every new call, one after another.
(function () {
  var queue = [];
  var playing = false;
  var unlockButton = document.getElementById("sound-on");
  var chimeUrl = document.getElementById("display").dataset.chimeUrl;

  function speakInBrowser(text, done) {
    if (!("speechSynthesis" in window)) return done();
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "vi-VN";
    utterance.onend = done;
    utterance.onerror = done;
    window.speechSynthesis.speak(utterance);
  }

  function play(url, onEnd, onFail) {
    var audio = new Audio(url);
    audio.onended = onEnd;
    audio.onerror = onFail;
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function (error) {
        if (error && error.name === "NotAllowedError") {
          unlockButton.hidden = false; // autoplay blocked until someone taps once
          playing = false;
          return;
        }
        onFail();
      });
    }
  }

  function next() {
    if (playing || !queue.length) return;
    playing = true;
    var item = queue[0];
    function finished() { queue.shift(); playing = false; document.body.dataset.announced = item.text; next(); }
    play(item.audio, finished, function () {
      // No server voice (espeak-ng missing): chime, then the browser's own voice.
      play(chimeUrl, function () { speakInBrowser(item.text, finished); },
           function () { speakInBrowser(item.text, finished); });
    });
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var board = document.getElementById("board");
    if (!board) return;
    board.querySelectorAll("template.announce").forEach(function (node) {
      queue.push({ audio: node.dataset.audio, text: node.dataset.text });
    });
    next();
  });

  unlockButton.addEventListener("click", function () {
    unlockButton.hidden = true;
    next();
  });
})();
