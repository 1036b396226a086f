/* Skills Passport's SCORM 1.2 SCO.
 *
 * The module itself runs on the Skills Passport site, in the frame below, so the
 * learner's progress is kept there and the engine adapts as usual. This script
 * is the SCORM side: it finds the LMS's API, tells the LMS who the learner is by
 * launching the module with their cmi.core.student_id, and passes the score the
 * site reports back to the gradebook. Learner pages use no JavaScript; only this
 * wrapper, which runs in the VLE, does.
 */
(function () {
  "use strict";

  var POLL_SECONDS = 20;
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
  var ownTab = document.getElementById("own-tab");

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
  var learner = query({token: token, student: student});
  var launch = site + "/scorm/launch?" + query({token: token, student: student, name: name});
  frame.src = launch;
  frame.hidden = false;
  // Browsers that block cookies in frames from other sites (Safari does) can still open the topic in a tab.
  ownTab.href = launch;
  ownTab.hidden = false;
  say("Your progress in this topic is saved, and your course gets your score.");

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
    var request = new XMLHttpRequest();
    request.open("GET", site + "/scorm/progress?" + learner);
    request.onload = function () {
      if (request.status === 200) {
        try {
          report(JSON.parse(request.responseText));
        } catch (error) {
          // a garbled answer: the next poll will try again
        }
      }
    };
    request.send();
  }

  window.setInterval(poll, pollSeconds() * 1000);
  document.addEventListener("visibilitychange", poll);
  // Each page the learner opens in the frame (every answer's feedback) is a moment the score may have changed.
  frame.addEventListener("load", poll);

  // --- Finishing -------------------------------------------------------------------------

  // Browsers do not wait for a request while a page closes, so the last score reported is the one kept:
  // the polls after each page the learner opens keep it up to date.
  function finish() {
    if (finished) {
      return;
    }
    poll();
    api.LMSSetValue("cmi.core.session_time", timespan(new Date().getTime() - started));
    // "suspend" asks the LMS to resume this attempt next time, rather than start a new one.
    api.LMSSetValue("cmi.core.exit", passed() ? "" : "suspend");
    finished = true;
    api.LMSFinish("");
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
