// The upload forms (form[data-upload]): check the file before it is sent, warn of a title the case
// already has, send with a progress bar that can be cancelled, and show a refusal on the form.
// Without this script the forms post as before and every answer is a page of its own; the
// server checks everything again either way. The words come from the form's data-upload (the
// server's catalogue, in the reader's language).
(function () {
  "use strict";

  // Names longer than this are shortened as the server does (src/documents/mod.rs, shortened).
  var NAME_MAX = 80;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function shortened(name) {
    var chars = Array.from(name);
    if (chars.length <= NAME_MAX) return name;
    return chars.slice(0, NAME_MAX - 20).join("") + "…" + chars.slice(chars.length - 19).join("");
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot).toLowerCase() : "";
  }

  // The sentence the server would refuse the file with, or null when it may be sent. A name
  // without an extension is left to the server, which reads the file's first bytes.
  function refusalFor(file, rules) {
    var values = { file: shortened(file.name) };
    var ext = extensionOf(file.name);
    if (file.size > rules.max_bytes) return fill(rules.too_large, values);
    if (ext === ".heic" || ext === ".heif") return fill(rules.iphone_photo, values);
    if (ext === ".doc") return fill(rules.old_word, values);
    if (ext === ".xls") return fill(rules.old_excel, values);
    if (ext && rules.extensions.indexOf(ext) < 0) return fill(rules.unsupported, values);
    return null;
  }

  function normalTitle(title) {
    return title.trim().replace(/\s+/g, " ").toLowerCase();
  }

  function Upload(form) {
    this.form = form;
    this.rules = JSON.parse(form.getAttribute("data-upload"));
    this.titles = JSON.parse(form.getAttribute("data-titles") || "[]");
    this.file = form.querySelector('input[type="file"]');
    this.title = form.querySelector('input[name="title"]');
    this.submit = form.querySelector('button[type="submit"]');
    this.summary = form.querySelector(".upload-summary");
    this.summaryText = form.querySelector(".upload-summary-text");
    this.warning = form.querySelector(".upload-warning");
    this.warningText = form.querySelector(".upload-warning-text");
    this.progress = form.querySelector(".upload-progress");
    this.bar = form.querySelector(".upload-progress-bar");
    this.status = form.querySelector(".upload-status");
    this.cancel = form.querySelector(".upload-cancel");
    this.request = null;
    this.warnedTitle = null;
    form.addEventListener("submit", this.onSubmit.bind(this));
    this.cancel.addEventListener("click", this.onCancel.bind(this));
  }

  Upload.prototype.onSubmit = function (event) {
    event.preventDefault();
    if (this.request) return;
    this.clear();
    var file = this.file.files[0];
    var refusal = file ? refusalFor(file, this.rules) : null;
    if (refusal) {
      this.refuse([this.linkedText(refusal)], refusal);
      return;
    }
    if (this.warnOfTitle()) return;
    this.send();
  };

  // A new document titled like one the case has: say so once, with a link to it; the next
  // submit with the same title goes through.
  Upload.prototype.warnOfTitle = function () {
    if (!this.title) return false;
    var wanted = normalTitle(this.title.value);
    if (wanted === this.warnedTitle) return false;
    var twin = this.titles.filter(function (t) {
      return normalTitle(t.title) === wanted;
    })[0];
    if (!twin) return false;
    this.warnedTitle = wanted;
    var text = document.createElement("p");
    text.textContent = fill(this.rules.same_title, { title: twin.title });
    var link = document.createElement("a");
    link.href = twin.href;
    link.textContent = fill(this.rules.same_title_link, { title: twin.title });
    var way = document.createElement("p");
    way.appendChild(link);
    this.warningText.replaceChildren(text, way);
    this.warning.hidden = false;
    this.warning.focus();
    return true;
  };

  Upload.prototype.send = function () {
    var self = this;
    var request = new XMLHttpRequest();
    this.request = request;
    request.open("POST", this.form.action);
    request.setRequestHeader("X-Upload", "progress");
    request.setRequestHeader("Accept", "text/html");
    request.responseType = "document";
    var announced = -1;
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor((e.loaded * 100) / e.total);
      self.bar.value = percent;
      // The status is read aloud: every tenth percent, not every event.
      var step = Math.floor(percent / 10) * 10;
      if (step !== announced) {
        announced = step;
        self.status.textContent = fill(self.rules.sending, { percent: step });
      }
    });
    request.upload.addEventListener("load", function () {
      self.bar.value = 100;
      self.status.textContent = self.rules.received;
    });
    request.addEventListener("load", function () {
      self.finished(request);
    });
    request.addEventListener("error", function () {
      self.done();
      self.refuse([self.paragraph(self.rules.failed)], self.rules.failed);
    });
    request.addEventListener("abort", function () {
      self.done();
      self.status.textContent = self.rules.cancelled;
    });
    this.busy(true);
    request.send(new FormData(this.form));
  };

  Upload.prototype.finished = function (request) {
    var next = request.getResponseHeader("Location");
    if (request.status === 201 && next) {
      window.location.assign(next);
      return;
    }
    // A server that answered the page itself (303 followed): go where it led.
    if (request.status === 200 && request.responseURL) {
      window.location.assign(request.responseURL);
      return;
    }
    this.done();
    var page = request.response;
    var refusal = page && page.querySelector("[data-refusal]");
    if (!refusal) {
      this.refuse([this.paragraph(this.rules.failed)], this.rules.failed);
      return;
    }
    var nodes = Array.prototype.map.call(refusal.childNodes, function (node) {
      var copy = document.importNode(node, true);
      // A page's lead paragraph is large and its ways on are buttons; in the summary they are
      // ordinary text and links (DKFDS's alert colours its links, not buttons).
      if (copy.classList) copy.classList.remove("font-lead");
      if (copy.querySelectorAll) {
        copy.querySelectorAll(".button").forEach(function (button) {
          button.classList.remove("button", "button-primary", "button-secondary");
        });
      }
      return copy;
    });
    this.refuse(nodes, refusal.querySelector("p") ? refusal.querySelector("p").textContent : "");
  };

  Upload.prototype.onCancel = function () {
    if (this.request) this.request.abort();
  };

  Upload.prototype.busy = function (sending) {
    this.submit.disabled = sending;
    this.form.setAttribute("aria-busy", sending ? "true" : "false");
    this.progress.hidden = !sending;
    if (sending) {
      this.bar.value = 0;
      this.status.textContent = fill(this.rules.sending, { percent: 0 });
    }
  };

  Upload.prototype.done = function () {
    this.request = null;
    this.busy(false);
    this.status.textContent = "";
  };

  // The error summary (what went wrong, linked to the file field) and the field's own message.
  Upload.prototype.refuse = function (nodes, fieldText) {
    this.summaryText.replaceChildren.apply(this.summaryText, nodes);
    this.summary.hidden = false;
    var group = this.file.closest(".form-group");
    var message = document.createElement("span");
    message.className = "form-error-message upload-field-error";
    message.id = this.file.id + "-error";
    var prefix = document.createElement("span");
    prefix.className = "sr-only";
    prefix.textContent = this.rules.error_prefix + ": ";
    message.append(prefix, fieldText);
    this.file.before(message);
    group.classList.add("form-error");
    this.file.setAttribute("aria-invalid", "true");
    this.describedBy(message.id, true);
    this.summary.focus();
  };

  Upload.prototype.clear = function () {
    this.summary.hidden = true;
    this.summaryText.replaceChildren();
    this.warning.hidden = true;
    this.status.textContent = "";
    var old = this.form.querySelector(".upload-field-error");
    if (old) {
      this.describedBy(old.id, false);
      old.remove();
    }
    this.file.closest(".form-group").classList.remove("form-error");
    this.file.removeAttribute("aria-invalid");
  };

  Upload.prototype.describedBy = function (id, add) {
    var ids = (this.file.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (add) ids.push(id);
    this.file.setAttribute("aria-describedby", ids.join(" "));
  };

  Upload.prototype.paragraph = function (text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  };

  // A refusal in the summary is a link to the file field, as DKFDS's error summary has it.
  Upload.prototype.linkedText = function (text) {
    var p = document.createElement("p");
    var link = document.createElement("a");
    link.href = "#" + this.file.id;
    link.textContent = text;
    p.appendChild(link);
    return p;
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), function (form) {
      new Upload(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
