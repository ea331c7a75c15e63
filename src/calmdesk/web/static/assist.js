// calmdesk Assist: reads the pasted conversation, asks /api/v1/assist, shows the advice.
// Built for speed under stress: a paste is analysed at once, typing after a short pause.
"use strict";

(function () {
  var L = JSON.parse(document.getElementById("assist-labels").textContent);
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var conversationBox = document.getElementById("conversation");
  var draftBox = document.getElementById("draft");
  var faultBox = document.getElementById("company-at-fault");
  var languageBox = document.getElementById("reply-language");
  var registerBox = document.getElementById("register");
  var result = document.getElementById("result");
  var seq = 0;          // requests sent
  var shown = 0;        // newest request whose answer is on screen
  var timer = null;
  var inFlight = null;
  var last = null;      // the last answer and the messages it was for
  var startedAt = 0;

  // Role markers people type or paste ("Client:", "Klient:", "Asiakas:" ...).
  var ROLE = /^\s*(client|customer|klient|klientka|asiakas|agent|staff|me|pracownik|konsultant|konsultantka|obsługa|työntekijä|asiakaspalvelu|minä)\s*:\s?/i;
  var CLIENT_WORDS = ["client", "customer", "klient", "klientka", "asiakas"];

  function parseConversation(text) {
    var messages = [];
    var lines = text.split(/\r?\n/);
    var marked = lines.some(function (line) { return ROLE.test(line); });
    if (!marked) {
      return text.trim() ? [{ role: "client", text: text.trim() }] : [];
    }
    lines.forEach(function (line) {
      var match = line.match(ROLE);
      if (match) {
        var role = CLIENT_WORDS.indexOf(match[1].toLowerCase()) >= 0 ? "client" : "agent";
        messages.push({ role: role, text: line.slice(match[0].length) });
      } else if (messages.length) {
        messages[messages.length - 1].text += "\n" + line;
      } else if (line.trim()) {
        messages.push({ role: "client", text: line });
      }
    });
    return messages
      .map(function (m) { return { role: m.role, text: m.text.trim() }; })
      .filter(function (m) { return m.text; });
  }

  function schedule(delay) {
    clearTimeout(timer);
    if (delay === 0) { send(); } else { timer = setTimeout(send, delay); }
  }

  function send() {
    var messages = parseConversation(conversationBox.value);
    if (!messages.length) { return; }
    var body = { messages: messages, context: {} };
    if (draftBox.value.trim()) { body.draft = draftBox.value; }
    if (faultBox.checked) { body.context.company_at_fault = true; }
    if (languageBox.value) { body.context.language = languageBox.value; }
    if (registerBox.value) { body.context.formal = registerBox.value === "formal"; }
    var mine = ++seq;
    if (inFlight) { inFlight.abort(); }
    inFlight = new AbortController();
    startedAt = performance.now();
    result.setAttribute("aria-busy", "true");
    fetch("/api/v1/assist", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
      signal: inFlight.signal
    }).then(function (response) {
      if (response.status === 401) { window.location = "/login?next=/"; return null; }
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.detail || response.statusText); }
        return data;
      });
    }).then(function (data) {
      if (!data || mine < shown) { return; }
      shown = mine;
      last = { data: data, messages: messages, draft: body.draft || "" };
      render(data, messages, body.draft || "");
      window.calmdeskLastUpdateMs = performance.now() - startedAt;
      result.setAttribute("aria-busy", "false");
      result.setAttribute("data-seq", String(mine));
    }).catch(function (error) {
      if (error.name === "AbortError") { return; }
      var failure = document.getElementById("failure");
      failure.textContent = L.ui.failed + " " + error.message;
      failure.hidden = false;
      result.setAttribute("aria-busy", "false");
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function name(kind, value) { return (L[kind] && L[kind][value]) || String(value).replace(/_/g, " "); }

  // Marks [start, end) spans of text with <mark> (or <u> for draft issues); text stays text.
  // Spans may overlap (a whole-draft issue and a phrase inside it): the text is cut at every
  // span edge and each piece carries the classes of all spans covering it.
  function highlight(target, text, spans, tag) {
    target.textContent = "";
    var valid = spans.filter(function (s) { return s.start >= 0 && s.end > s.start && s.end <= text.length; });
    var cuts = [0, text.length];
    valid.forEach(function (s) { cuts.push(s.start, s.end); });
    cuts = cuts.filter(function (c, i) { return cuts.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var from = cuts[i], to = cuts[i + 1];
      var piece = text.slice(from, to);
      var covering = valid.filter(function (s) { return s.start <= from && s.end >= to; });
      if (!covering.length) { target.appendChild(document.createTextNode(piece)); continue; }
      var mark = el(tag, covering.map(function (s) { return s.className; }).join(" "), piece);
      mark.title = covering.map(function (s) { return s.title; }).join(", ");
      target.appendChild(mark);
    }
  }

  function render(data, messages, draft) {
    var analysis = data.client_analysis;
    document.getElementById("empty").hidden = true;
    document.getElementById("failure").hidden = true;
    document.getElementById("reading").hidden = false;

    var stage = document.getElementById("stage");
    stage.textContent = L.ui.stage + ": " + name("stage", data.stage);
    stage.setAttribute("data-stage", data.stage);
    var severity = document.getElementById("severity");
    severity.textContent = L.ui.severity + ": " + name("severity", analysis.severity);
    severity.setAttribute("data-severity", analysis.severity);
    document.getElementById("language").textContent = name("language", analysis.language);
    var dominant = analysis.dominant_emotion;
    var intensity = analysis.emotions[dominant];  // undefined for "neutral"
    document.getElementById("emotion").textContent = L.ui.emotion + ": " + name("emotion", dominant) +
      (intensity !== undefined ? " " + Math.round(intensity * 100) + "%" : "");

    var abuse = document.getElementById("abuse");
    abuse.textContent = "";
    if (analysis.abuse.flagged) {
      var cats = Object.keys(analysis.abuse.categories)
        .filter(function (c) { return analysis.abuse.categories[c] >= 0.5; })
        .map(function (c) { return name("category", c); });
      abuse.appendChild(el("strong", "", analysis.abuse.directed_at_staff ? L.ui.abuse_at_you : L.ui.abuse_not_at_you));
      if (cats.length) { abuse.appendChild(document.createTextNode(" " + cats.join(", "))); }
    } else {
      abuse.textContent = L.ui.no_abuse;
    }
    if (analysis.intents.length) {
      abuse.appendChild(document.createTextNode(" · " + analysis.intents.map(function (i) { return name("intent", i); }).join(", ")));
    }

    var clients = messages.filter(function (m) { return m.role === "client"; });
    var lastText = clients.length ? clients[clients.length - 1].text : "";
    highlight(document.getElementById("highlighted"), lastText, analysis.evidence.map(function (e) {
      var kind = L.category[e.label] ? "abuse" : (L.intent[e.label] ? "intent" : "emotion");
      return { start: e.start, end: e.end, className: "ev-" + kind, title: name(kind === "abuse" ? "category" : kind, e.label) };
    }), "mark");

    document.getElementById("safety").hidden = data.stage !== "safety";

    var reasons = {};
    (data.action_reasons || []).forEach(function (r) { reasons[r.action] = r.reason; });
    var actions = document.getElementById("actions");
    actions.textContent = "";
    data.next_actions.forEach(function (action) {
      var item = el("li", "action-" + action);
      item.appendChild(el("strong", "", name("action", action)));
      var why = L.use_playbook_reasons && reasons[action] ? reasons[action] : name("action_reason", action);
      item.appendChild(el("span", "why", why));
      actions.appendChild(item);
    });

    var endScript = document.getElementById("end-script");
    var ending = data.suggested_replies.filter(function (r) { return r.purpose === "end_conversation"; });
    endScript.hidden = !(data.next_actions.indexOf("end_conversation") >= 0 && ending.length);
    document.getElementById("end-script-text").textContent = ending.length ? ending[0].text : "";

    var replies = document.getElementById("replies");
    replies.textContent = "";
    data.suggested_replies.forEach(function (reply, index) {
      var item = el("li", "reply");
      item.appendChild(el("span", "purpose", name("purpose", reply.purpose)));
      var text = el("p", "reply-text", reply.text);
      text.id = "reply-" + index;
      item.appendChild(text);
      var copy = el("button", "copy", L.ui.copy);
      copy.type = "button";
      copy.setAttribute("data-copy-from", text.id);
      copy.setAttribute("data-done", L.ui.copied);
      copy.setAttribute("aria-label", L.ui.copy + ": " + name("purpose", reply.purpose));
      item.appendChild(copy);
      var use = el("button", "use", L.ui.use_as_draft);
      use.type = "button";
      use.addEventListener("click", function () { draftBox.value = reply.text; draftBox.focus(); schedule(0); });
      item.appendChild(use);
      replies.appendChild(item);
    });

    renderReview(data.draft_review, draft);

    var incident = data.incident;
    var reason = document.getElementById("incident-reason");
    reason.textContent = incident.recommended ? L.ui.incident_recommended : L.ui.incident_optional;
    document.getElementById("incident").className = "incident" + (incident.recommended ? " recommended" : "");
    // The server drafts the incident from the same conversation (stored or pasted).
    document.getElementById("incident-prefill").value = JSON.stringify({
      messages: messages,
      company_at_fault: faultBox.checked,
      reasons: incident.reasons,
      conversation_id: L.conversation_id
    });
  }

  function renderReview(review, draft) {
    var box = document.getElementById("draft-review");
    box.textContent = "";
    if (!review || !draft.trim()) { return; }
    if (review.ok) {
      box.appendChild(el("p", "ok", L.ui.draft_ok));
      return;
    }
    var shownText = el("p", "draft-text");
    highlight(shownText, draft, review.issues.map(function (issue) {
      return { start: issue.start, end: issue.end, className: "issue issue-" + issue.code, title: name("draft_issue", issue.code) };
    }), "u");
    box.appendChild(shownText);
    var list = el("ul", "issues");
    review.issues.forEach(function (issue) {
      var item = el("li", "issue-" + issue.code);
      item.appendChild(el("strong", "", name("draft_issue", issue.code) + ": "));
      item.appendChild(document.createTextNode(issue.advice));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  conversationBox.addEventListener("input", function (event) {
    schedule(event.inputType === "insertFromPaste" || event.inputType === "insertFromDrop" ? 0 : 250);
  });
  draftBox.addEventListener("input", function (event) {
    schedule(event.inputType === "insertFromPaste" ? 0 : 300);
  });
  [faultBox, languageBox, registerBox].forEach(function (box) {
    box.addEventListener("change", function () { schedule(0); });
  });
  if (conversationBox.value.trim()) { schedule(0); }
})();
