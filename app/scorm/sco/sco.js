/* Skills Passport's SCORM 1.2 SCO.
 *
 * The module itself runs on the Skills Passport site, in the frame below, so the
 * learner's progress is kept there and the engine adapts as usual. This script
 * is the SCORM side: it finds the LMS's API, launches the module as the learner
 * the LMS names (cmi.core.student_id), proving it with the key this site gave the
 * learner's first launch, which the LMS keeps in the learner's own cmi.suspend_data,
 * and passes the score the site reports back to the gradebook. Learner pages use
 * no JavaScript; only this wrapper, which runs in the VLE, does.
 */
(function () {
  "use strict";

  var POLL_SECONDS = 20;
  // SCORM 1.2's cmi.suspend_data is a CMIString4096.
  var SUSPEND_DATA_LENGTH = 4096;
  // The learner's key in cmi.suspend_data: 43 characters, as app/scorm/keys.py makes them, in a
  // marker of its own, so anything else the package keeps there one day stays as it is.
  var KEY_MARK = /\[skills-passport-key:([A-Za-z0-9_-]{43})\]/;
  var KEY = /^[A-Za-z0-9_-]{43}$/;
  // ADL's SCORM 1.2 sample looks at most this many frames up for the API.
  var MAX_PARENTS = 7;

  // --- Finding the LMS's API (SCORM 1.2 Run-Time Environment, 3.3.6.1) -----------------

  function apiIn(win) {
    try {
      return win.API || null;
    } catch (error) {
      return null; // a window from another site cannot be looked into
    }
  }

  // Walk up window.parent until a window holds an object named API.
  function findAPI(win) {
    var tries = 0;
    while (apiIn(win) == null && win.parent != null && win.parent != win) {
      tries += 1;
      if (tries > MAX_PARENTS) {
        return null;
      }
      win = win.parent;
    }
    return apiIn(win);
  }

  // The SCO's own frames first; then, for a SCO the LMS opened in a new window, the window that opened it.
  function getAPI() {
    var api = findAPI(window);
    if (api == null && window.opener != null && typeof window.opener != "undefined") {
      api = findAPI(window.opener);
    }
    return api;
  }

  // --- Helpers -------------------------------------------------------------------------

  var body = document.body;
  var site = body.getAttribute("data-site");
  var token = body.getAttribute("data-token");
  var moduleId = body.getAttribute("data-module");
  var message = document.getElementById("message");
  var frame = document.getElementById("module");
  var launchForm = document.getElementById("launch");

  function say(text) {
    if (message.textContent !== text) {
      message.textContent = text; // only on a change, so screen readers are not told the same thing again
    }
  }

  function query(params) {
    var parts = [];
    for (var key in params) {
      if (Object.prototype.hasOwnProperty.call(params, key)) {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(params[key]));
      }
    }
    return parts.join("&");
  }

  // POST a form to the site from the VLE's site, without cookies; call back with the status and the JSON answer.
  function post(path, params, then) {
    var request = new XMLHttpRequest();
    request.open("POST", site + path);
    // A form body: a CORS "simple" request, so the browser asks no preflight question first.
    request.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    request.onload = function () {
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null; // not JSON: a proxy's page, or the site is down
      }
      then(request.status, answer);
    };
    request.onerror = function () {
      then(0, null);
    };
    request.send(query(params));
  }

  // Return the learner's key from cmi.suspend_data, or "" if it holds none.
  function keyIn(data) {
    var match = KEY_MARK.exec(data || "");
    return match ? match[1] : "";
  }

  // Return cmi.suspend_data with this key in it, and everything else it held after the key.
  function withKey(data, key) {
    var rest = String(data || "").replace(new RegExp(KEY_MARK.source, "g"), "");
    // The key goes first, so that if the rest is too long it is the rest that is cut short.
    return ("[skills-passport-key:" + key + "]" + rest).slice(0, SUSPEND_DATA_LENGTH);
  }

  // The poll interval; ?poll=N on this page's address shortens it (the browser test uses it).
  function pollSeconds() {
    var match = /[?&]poll=(\d+)/.exec(window.location.search);
    var seconds = match ? parseInt(match[1], 10) : POLL_SECONDS;
    return seconds > 0 ? seconds : POLL_SECONDS;
  }

  // SCORM 1.2 times are CMITimespan: HHHH:MM:SS.
  function timespan(milliseconds) {
    var seconds = Math.floor(milliseconds / 1000);
    var hours = Math.min(9999, Math.floor(seconds / 3600));
    var minutes = Math.floor((seconds % 3600) / 60);
    function pad(n, width) {
      var text = String(n);
      while (text.length < width) {
        text = "0" + text;
      }
      return text;
    }
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(seconds % 60, 2);
  }

  // --- Starting ------------------------------------------------------------------------

  var api = getAPI();
  if (api == null) {
    say("Open this topic from your course in your VLE, so your score is saved there. " +
        "You can still use it here, but no score will be saved.");
    frame.src = site + "/modules/" + encodeURIComponent(moduleId);
    frame.hidden = false;
    return;
  }
  if (String(api.LMSInitialize("")) !== "true") {
    say("Your VLE could not start this topic. Please close it and open it again from your course.");
    return;
  }

  var started = new Date().getTime();
  var finished = false;
  var status = api.LMSGetValue("cmi.core.lesson_status");
  if (status === "not attempted" || status === "") {
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    api.LMSCommit("");
  }

  var student = api.LMSGetValue("cmi.core.student_id");
  var name = api.LMSGetValue("cmi.core.student_name");
  var suspendData = api.LMSGetValue("cmi.suspend_data");
  var key = keyIn(suspendData);
  var learner = {token: token, student: student, key: key};
  var opened = false;

  // Show the module: post the student and their key into the frame, where the site signs them in.
  // Posted, not put in the frame's address, so the key stays out of history and logs.
  function openModule() {
    launchForm.elements.student.value = student;
    launchForm.elements.key.value = key;
    launchForm.target = frame.name;
    launchForm.submit();
    launchForm.target = "_blank";
    frame.hidden = false;
    // Browsers that block cookies in frames from other sites (Safari does) can still open the topic in a tab.
    launchForm.hidden = false;
    say("Your progress in this topic is saved, and your course gets your score.");
    opened = true;
    startPolling();
  }

  // Ask the site for the learner's key: the one the LMS kept, checked, or a new one on a first launch.
  post("/scorm/start", {token: token, student: student, name: name, key: key}, function (code, answer) {
    if (finished) {
      return; // the learner left before the site answered
    }
    if (code !== 200 || !answer || !KEY.test(answer.key)) {
      say(answer && answer.error ? answer.error :
          "Skills Passport could not be reached. Please close this topic and open it again in a few minutes.");
      return;
    }
    if (answer.key !== key) {
      key = answer.key;
      learner.key = key;
      suspendData = withKey(suspendData, key);
      // Kept at once: if the LMS lost it, this learner's next launch could not reach their progress.
      api.LMSSetValue("cmi.suspend_data", suspendData);
      api.LMSCommit("");
    }
    openModule();
  });

  // --- Passing the score to the gradebook ------------------------------------------------

  var reported = "";

  function passed() {
    var now = api.LMSGetValue("cmi.core.lesson_status");
    return now === "passed" || now === "completed";
  }

  function report(progress) {
    if (finished || !progress || typeof progress.score !== "number") {
      return;
    }
    var raw = Math.max(0, Math.min(100, Math.round(progress.score)));
    // The gradebook keeps the best score and a pass once reached: a skill that fades later
    // (the site then asks a review question) does not take them back.
    var held = parseFloat(api.LMSGetValue("cmi.core.score.raw"));
    if (!isNaN(held) && held > raw) {
      raw = held;
    }
    var lessonStatus = progress.status === "passed" || passed() ? "passed" : "incomplete";
    var now = raw + " " + lessonStatus;
    if (now !== reported) {
      api.LMSSetValue("cmi.core.score.min", "0");
      api.LMSSetValue("cmi.core.score.max", "100");
      api.LMSSetValue("cmi.core.score.raw", String(raw));
      api.LMSSetValue("cmi.core.lesson_status", lessonStatus);
      api.LMSCommit("");
      reported = now;
    }
    if (typeof progress.mastered === "number" && typeof progress.total === "number") {
      say("Skills mastered: " + progress.mastered + " of " + progress.total + ". Your course gets this as your score.");
    }
  }

  function poll() {
    if (finished) {
      return;
    }
    post("/scorm/progress", learner, function (code, answer) {
      if (code === 200 && answer) {
        report(answer);
      }
      // otherwise a garbled answer or none: the next poll will try again
    });
  }

  function startPolling() {
    window.setInterval(poll, pollSeconds() * 1000);
    document.addEventListener("visibilitychange", poll);
    // Each page the learner opens in the frame (every answer's feedback) is a moment the score may have changed.
    frame.addEventListener("load", poll);
  }

  // --- Finishing -------------------------------------------------------------------------

  // Browsers do not wait for a request while a page closes, so the last score reported is the one kept:
  // the polls after each page the learner opens keep it up to date.
  function finish() {
    if (finished) {
      return;
    }
    if (opened) {
      poll();
    }
    api.LMSSetValue("cmi.core.session_time", timespan(new Date().getTime() - started));
    // "suspend" asks the LMS to resume this attempt next time, rather than start a new one, even once
    // passed: a new attempt starts with an empty cmi.suspend_data, without the learner's key.
    api.LMSSetValue("cmi.core.exit", "suspend");
    finished = true;
    api.LMSFinish("");
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
