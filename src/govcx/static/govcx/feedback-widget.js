/* govcx feedback widget. One script tag embeds it:
   <script src="https://govcx.example/static/govcx/feedback-widget.js" data-survey="KEY" async></script>
   Optional: data-lang (ru|en), data-target (element id), data-office, data-stage, data-page, data-channel.
   It runs under a strict Content-Security-Policy on the host page: no eval, no inline script or style; the
   stylesheet and the API are on the script's own origin (script-src, style-src and connect-src of that origin). */
(function () {
  "use strict";

  var TEXT = {
    en: {
      loading: "Loading the survey…", unavailable: "This survey is not available.", required: "(required)",
      send: "Send", sending: "Sending…", thanks: "Thank you!", received: "Your answers have been received.",
      answer: "Answer this question.", tooMany: "Choose at most {n} options.", tooLong: "Use at most {n} characters.",
      fix: "Some answers need your attention.", retrying: "Connection problem. Trying again…",
      offline: "Your answers could not be sent. Check your connection and press Send again.",
      limited: "Too many answers from your network. Please try again in a minute.",
      refused: "This site may not send answers to this survey.", invalid: "The answers could not be accepted.",
      yes: "Yes", no: "No", up: "Thumbs up", down: "Thumbs down", trap: "Leave this field empty",
      saved: "Your rating is saved. Add more below if you like, then press Send.",
      changed: "The questions of this survey have changed. Reload the page to answer the new ones."
    },
    ru: {
      loading: "Загружаем опрос…", unavailable: "Опрос недоступен.", required: "(обязательно)",
      send: "Отправить", sending: "Отправляем…", thanks: "Спасибо!", received: "Ваши ответы получены.",
      answer: "Ответьте на этот вопрос.", tooMany: "Выберите не больше {n}.", tooLong: "Не больше {n} символов.",
      fix: "Проверьте отмеченные ответы.", retrying: "Нет связи. Пробуем ещё раз…",
      offline: "Не удалось отправить ответы. Проверьте подключение и нажмите «Отправить» ещё раз.",
      limited: "Слишком много ответов из вашей сети. Попробуйте через минуту.",
      refused: "Этот сайт не может отправлять ответы в этот опрос.", invalid: "Ответы не приняты.",
      yes: "Да", no: "Нет", up: "Нравится", down: "Не нравится", trap: "Оставьте это поле пустым",
      saved: "Ваша оценка сохранена. Если хотите, ответьте ниже и нажмите «Отправить».",
      changed: "Вопросы опроса изменились. Обновите страницу, чтобы ответить на новые."
    }
  };
  // Same values as survey_schema.CHANNELS: a hidden channel field accepts only these.
  var CHANNELS = ["web", "widget", "office", "mobile", "phone", "api", "import"];
  var RETRY_DELAYS_MS = [1000, 3000, 9000];

  var script = document.currentScript || lastUnmounted();
  if (!script || script.getAttribute("data-gcxw-mounted")) return;
  script.setAttribute("data-gcxw-mounted", "1");

  var data = script.dataset;
  var origin = new URL(script.src, location.href).origin;
  var lang = pickLanguage(data.lang || (script.closest("[lang]") || document.documentElement).lang);
  var t = TEXT[lang];
  var uid = "gcxw" + Math.random().toString(36).slice(2, 8);
  var context = contextFromAttributes();

  var root = el("div", { "class": "gcxw", lang: lang });
  var status = el("p", { "class": "gcxw-status", role: "status" }, [t.loading]);
  root.appendChild(status);

  whenPlaced(function () {
    Promise.all([stylesheet(), fetchJson(origin + "/api/feedback/public/surveys/" + encodeURIComponent(data.survey))])
      .then(function (results) {
        var reply = results[1];
        if (reply.status !== 200) return say(reply.status === 429 ? t.limited : t.unavailable);
        render(reply.body);
      }, function () { say(t.unavailable); });
  });

  function lastUnmounted() {
    var candidates = document.querySelectorAll("script[data-survey]:not([data-gcxw-mounted])");
    return candidates[candidates.length - 1];
  }

  function pickLanguage(value) {
    return String(value || "").toLowerCase().indexOf("ru") === 0 ? "ru" : "en";
  }

  function contextFromAttributes() {
    var found = { channel: data.channel || "widget", page: data.page || location.pathname };
    if (data.office) found.office = data.office;
    if (data.stage) found.stage = data.stage;
    return found;
  }

  function whenPlaced(then) {
    var place = function () {
      var target = data.target && document.getElementById(data.target);
      if (target) target.appendChild(root);
      else if (script.parentNode && script.parentNode !== document.head) {
        script.parentNode.insertBefore(root, script.nextSibling);
      } else document.body.appendChild(root);
      then();
    };
    if (document.readyState === "loading" && (data.target || script.parentNode === document.head)) {
      document.addEventListener("DOMContentLoaded", place);
    } else place();
  }

  function stylesheet() {
    return new Promise(function (resolve) {
      if (document.querySelector("link[data-gcxw]")) return resolve();
      var link = el("link", { rel: "stylesheet", "data-gcxw": "", href: script.src.replace(/\.js(?=$|[?#])/, ".css") });
      link.onload = link.onerror = function () { resolve(); };  // unstyled is still usable
      document.head.appendChild(link);
    });
  }

  function fetchJson(url, body) {
    var init = { credentials: "omit", headers: { Accept: "application/json" } };
    if (body) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (parsed) {
        return { status: response.status, body: parsed };
      });
    });
  }

  // Builds elements with attributes and text nodes only: labels from the definition never become markup.
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (attributes[name] !== null && attributes[name] !== undefined) node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function say(message) {
    status.textContent = message;
  }

  function localized(text) {
    if (!text) return "";
    return (lang === "ru" ? text.ru || text.en : text.en || text.ru) || "";
  }

  function render(survey) {
    var definition = survey.definition;
    var startedAt = Date.now();
    var idempotencyKey = null;
    var busy = false;
    var titleId = uid + "-title";
    var form = el("form", { novalidate: "", "aria-labelledby": titleId });
    form.appendChild(el("h2", { "class": "gcxw-title", id: titleId }, [localized(definition.title) || survey.title]));
    if (definition.description) form.appendChild(el("p", { "class": "gcxw-desc" }, [localized(definition.description)]));

    var blocks = definition.questions.map(function (question) {
      var block = question.type === "hidden" ? null : questionBlock(question);
      if (block) form.appendChild(block.node);
      return { question: question, block: block };
    });
    form.appendChild(el("div", { "class": "gcxw-trap", "aria-hidden": "true" }, [
      el("label", {}, [t.trap, el("input", { name: "website", type: "text", tabindex: "-1", autocomplete: "off" })])
    ]));
    var button = el("button", { type: "submit", "class": "gcxw-send" }, [t.send]);
    form.appendChild(button);
    status.textContent = "";
    form.appendChild(status);
    root.insertBefore(form, root.firstChild);

    form.addEventListener("change", shownAnswers);
    form.addEventListener("input", shownAnswers);
    form.addEventListener("submit", submit);
    // The opening rating (required, unconditional, asked first) is stored as soon as it is chosen, as a partial
    // response that Send completes under the same key: a person who leaves after choosing is counted too.
    var asked = blocks.filter(function (item) { return item.block; });
    var headline = asked.length && asked[0].question.type === "rating" && asked[0].question.required &&
      !asked[0].question.show_if.length ? asked[0] : null;
    var tapped = false;
    if (headline) headline.block.node.addEventListener("change", tap);
    shownAnswers();
    root.setAttribute("data-state", "ready");
    root.dispatchEvent(new CustomEvent("govcx-feedback-ready", { bubbles: true }));

    // Mirrors survey_schema.validate_answers: a question is shown when every show_if condition holds on the
    // answers to earlier shown questions; answers to hidden questions are neither kept nor sent.
    function shownAnswers() {
      var answers = {};
      blocks.forEach(function (item) {
        item.shown = item.question.show_if.every(function (condition) { return holds(condition, answers); });
        if (item.block) item.block.node.hidden = !item.shown;
        var value = item.block ? item.block.value() : contextValue(item.question);
        if (item.shown && !isEmpty(value)) answers[item.question.key] = value;
      });
      return answers;
    }

    function tap() {
      var answers = shownAnswers();
      if (tapped || busy || isEmpty(answers[headline.question.key])) return;
      var first = {};
      blocks.forEach(function (item) {
        var key = item.question.key;
        if ((item === headline || !item.block) && !isEmpty(answers[key])) first[key] = answers[key];
      });
      tapped = true;
      idempotencyKey = idempotencyKey || newKey();
      fetchJson(origin + "/api/feedback/public/responses", {
        survey: survey.survey, idempotency_key: idempotencyKey, answers: first, context: context,
        channel: context.channel, language: lang, version: survey.version, elapsed_ms: Date.now() - startedAt,
        website: form.elements.website.value, partial: true
      }).then(function (reply) {
        if (reply.status === 200 || reply.status === 201) {
          headline.block.lock();
          if (!busy) say(t.saved);
        } else tapped = false;
      }, function () { tapped = false; });
    }

    function submit(event) {
      event.preventDefault();
      if (busy) return;
      var answers = shownAnswers();
      var problems = {};
      blocks.forEach(function (item) {
        if (!item.block || !item.shown) return;
        var problem = item.block.problem(answers[item.question.key]);
        if (problem) problems[item.question.key] = problem;
      });
      if (showProblems(problems)) return;
      idempotencyKey = idempotencyKey || newKey();
      busy = true;
      button.disabled = true;
      say(t.sending);
      send({
        survey: survey.survey, idempotency_key: idempotencyKey, answers: answers, context: context,
        channel: context.channel, language: lang, version: survey.version, elapsed_ms: Date.now() - startedAt,
        website: form.elements.website.value
      }, 0);
    }

    function send(body, attempt) {
      fetchJson(origin + "/api/feedback/public/responses", body).then(function (reply) {
        if (reply.status >= 500 && attempt < RETRY_DELAYS_MS.length) return retry(body, attempt);
        settle(reply);
      }, function () {
        if (attempt < RETRY_DELAYS_MS.length) retry(body, attempt);
        else settle(null);
      });
    }

    function retry(body, attempt) {
      say(t.retrying);
      setTimeout(function () { send(body, attempt + 1); }, RETRY_DELAYS_MS[attempt] * (0.75 + Math.random() / 2));
    }

    function settle(reply) {
      busy = false;
      button.disabled = false;
      var code = reply ? reply.status : 0;
      // 409: this key was stored earlier with other answers; the person's response is already counted.
      if (code === 200 || code === 201 || code === 409) return thank();
      if (code === 422) {
        var details = (reply.body && reply.body.details) || [];
        if (details.some(function (detail) { return detail.code === "retired_version"; })) return say(t.changed);
        var problems = {};
        ((reply.body && reply.body.details) || []).forEach(function (detail) {
          var key = detail.question || String(detail.field || "").replace(/^answers\./, "").split(/[.[]/)[0];
          if (blocks.some(function (item) { return item.block && item.question.key === key; })) {
            problems[key] = t.answer;
          }
        });
        if (showProblems(problems)) return;
      }
      say({ 0: t.offline, 403: t.refused, 404: t.unavailable, 422: t.invalid, 429: t.limited }[code] || t.offline);
    }

    function showProblems(problems) {
      var first = null;
      blocks.forEach(function (item) {
        if (!item.block) return;
        var problem = problems[item.question.key] || "";
        item.block.mark(problem);
        if (problem && !first) first = item.block;
      });
      if (!first) return false;
      say(t.fix);
      first.focus();
      return true;
    }

    function thank() {
      var heading = el("h2", { "class": "gcxw-title", tabindex: "-1" }, [t.thanks]);
      root.replaceChild(el("div", { "class": "gcxw-thanks" }, [heading, el("p", {}, [t.received])]), form);
      root.setAttribute("data-state", "sent");
      heading.focus();
    }
  }

  function contextValue(question) {
    var value = context[question.context];
    var accepted = question.allowed_values || (question.context === "channel" ? CHANNELS : null);
    if (typeof value !== "string") return undefined;
    value = value.slice(0, 500);
    return accepted && accepted.indexOf(value) < 0 ? undefined : value;
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
  }

  function holds(condition, answers) {
    var answer = answers[condition.question];
    var answered = answer !== undefined;
    if (condition.answered !== null && condition.answered !== undefined && answered !== condition.answered) return false;
    if (!answered) return condition.answered === false;
    var chosen = Array.isArray(answer) ? answer : [answer];
    // Strict equality keeps true apart from the rating 1, as the server does.
    var hit = function (expected) { return chosen.indexOf(expected) >= 0; };
    if (condition.equals !== null && condition.equals !== undefined && !hit(condition.equals)) return false;
    if (condition.one_of && !condition.one_of.some(hit)) return false;
    var rating = typeof answer === "number";
    if (condition.at_least !== null && condition.at_least !== undefined && !(rating && answer >= condition.at_least)) {
      return false;
    }
    return condition.at_most === null || condition.at_most === undefined || (rating && answer <= condition.at_most);
  }

  function newKey() {
    var cryptography = window.crypto;
    if (cryptography && cryptography.randomUUID) return cryptography.randomUUID();
    var bytes = new Uint8Array(16);
    if (cryptography && cryptography.getRandomValues) cryptography.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // One question: its markup, its current value, its validation, and how it shows an error.
  function questionBlock(question) {
    var id = uid + "-" + question.key;
    var hintId = question.help ? id + "-hint" : null;
    var errorId = id + "-error";
    var error = el("p", { "class": "gcxw-error", id: errorId, hidden: "" });
    var hint = hintId ? el("p", { "class": "gcxw-hint", id: hintId }, [localized(question.help)]) : null;
    var heading = [localized(question.label), question.required ? " " : null,
      question.required ? el("span", { "class": "gcxw-req" }, [t.required]) : null];
    var node;
    var controls;
    if (question.type === "text") {
      var area = el("textarea", { id: id, name: id, rows: "4", maxlength: String(question.max_length),
        "aria-describedby": hintId, required: question.required ? "" : null });
      controls = [area];
      node = el("div", { "class": "gcxw-q" }, [el("label", { "class": "gcxw-label", "for": id }, heading), hint, error, area]);
    } else {
      var choices = options(question);
      var multiple = question.type === "multiple_choice";
      controls = choices.map(function (choice, index) {
        return el("input", { type: multiple ? "checkbox" : "radio", name: id, id: id + "-" + index, value: choice[0],
          "aria-describedby": hintId, required: question.required && !multiple ? "" : null });
      });
      var inRow = question.type === "rating" ? !allPointsLabelled(question) : !question.options;
      node = el("fieldset", { "class": "gcxw-q" }, [el("legend", {}, heading), hint, error,
        el("div", { "class": "gcxw-opts" + (inRow ? " gcxw-row" : "") }, choices.map(function (choice, index) {
          return el("label", { "class": "gcxw-opt", "for": controls[index].id }, [controls[index], " ", choice[1]]);
        }))]);
    }

    return {
      node: node,
      value: function () {
        if (question.type === "text") return controls[0].value.trim();
        var checked = controls.filter(function (input) { return input.checked; }).map(function (input) {
          return input.value;
        });
        if (question.type === "multiple_choice") return checked;
        if (!checked.length) return undefined;
        if (question.type === "rating") return parseInt(checked[0], 10);
        if (question.type === "yes_no") return checked[0] === "yes";
        return checked[0];
      },
      problem: function (value) {
        if (isEmpty(value)) return question.required ? t.answer : "";
        if (question.max_selected && value.length > question.max_selected) {
          return t.tooMany.replace("{n}", question.max_selected);
        }
        if (question.type === "text" && value.length > question.max_length) {
          return t.tooLong.replace("{n}", question.max_length);
        }
        return "";
      },
      mark: function (problem) {
        error.textContent = problem;
        error.hidden = !problem;
        node.classList.toggle("gcxw-invalid", !!problem);
        controls.forEach(function (input) {
          var describedBy = [hintId, problem ? errorId : null].filter(Boolean).join(" ");
          if (describedBy) input.setAttribute("aria-describedby", describedBy);
          else input.removeAttribute("aria-describedby");
          if (input.type !== "radio") input.setAttribute("aria-invalid", problem ? "true" : "false");
        });
      },
      focus: function () { controls[0].focus(); },
      lock: function () { controls.forEach(function (input) { input.disabled = !input.checked; }); }
    };
  }

  // [value, visible label] for the choice-like question types.
  function options(question) {
    if (question.type === "rating") {
      var points = [];
      for (var point = question.scale_min; point <= question.scale_max; point++) {
        var name = localized((question.labels || {})[point]);
        points.push([String(point), name ? point + " — " + name : String(point)]);
      }
      return points;
    }
    if (question.type === "yes_no") return [["yes", t.yes], ["no", t.no]];
    if (question.type === "thumbs") return [["up", t.up], ["down", t.down]];
    return question.options.map(function (option) { return [option.key, localized(option.label)]; });
  }

  function allPointsLabelled(question) {
    return Object.keys(question.labels || {}).length === question.scale_max - question.scale_min + 1;
  }
})();
