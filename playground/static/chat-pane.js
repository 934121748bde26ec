// The playground page, part 2 of 5: what every chat pane has, and the Zalo pane.
"use strict";

// What every chat pane has: its copy of the chat template, messages that follow the newest
// unless the person scrolled up, a "new messages" marker, a toast, an unread count on its tab.
class ChatPane {
  constructor(role) {
    this.role = role;
    this.section = document.getElementById(`pane-${role}`);
    const old = this.section.querySelector(".chat");
    if (old) old.remove();
    this.section.append(document.getElementById("chat-template").content.cloneNode(true));
    const root = this.section.querySelector(".chat");
    this.root = root;
    this.messages = root.querySelector(".messages");
    this.title = root.querySelector(".title");
    this.subtitle = root.querySelector(".subtitle");
    this.avatar = root.querySelector(".avatar");
    this.input = root.querySelector(".composer .text");
    this.toast = root.querySelector(".toast");
    this.marker = root.querySelector(".new-marker");
    this.tab = document.querySelector(`.tabs button[data-tab="${role}"]`);
    this.following = true;
    this.unread = 0;
    this.toastTimer = null;
    // Follow the conversation unless the person scrolled up to read.
    this.messages.addEventListener("scroll", () => {
      this.following = this.atBottom();
      if (this.following) this.marker.hidden = true;
    });
    this.marker.addEventListener("click", () => this.scrollDown());
  }

  atBottom() {
    const m = this.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight <= FOLLOW_SLACK;
  }

  countUnread() {
    if (!PHONE.matches || activeTab === this.role) return;
    this.unread += 1;
    this.showUnread();
  }

  clearUnread() {
    this.unread = 0;
    this.showUnread();
  }

  showUnread() {
    if (!this.tab) return;
    const badge = this.tab.querySelector(".unread");
    badge.textContent = this.unread > 99 ? "99+" : String(this.unread);
    badge.hidden = this.unread === 0;
    this.tab.setAttribute("aria-label", this.unread
      ? `${this.tab.dataset.label} — ${this.unread} tin mới · new`
      : this.tab.dataset.label);
  }

  scrollDown() {
    this.messages.scrollTop = this.messages.scrollHeight;
    this.following = true;
    this.marker.hidden = true;
  }

  showToast(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.hidden = true; }, 2600);
  }
}

// The producer's staff member on Zalo: plain text both ways (Zalo bots have no buttons).
class ZaloPane extends ChatPane {
  constructor() {
    super("zalo");
    const root = this.root;
    // Zalo bots have no buttons, keyboards or alerts: plain text both ways.
    const unused = ".start-bar, .reply-keyboard, .kb-toggle, .alert-backdrop";
    root.querySelectorAll(unused).forEach((part) => part.remove());
    this.avatar.textContent = "Z";
    this.input.maxLength = 2000;
    this.input.placeholder = "Tin nhắn Zalo · Zalo message";
    this.input.setAttribute("aria-label", "Tin nhắn Zalo / Zalo message");
    this.shown = 0;
    root.querySelector(".composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = this.input.value;
      if (!text.trim()) return;
      try {
        await post("/api/zalo/send", { text });
        this.input.value = "";
      } catch (err) {
        this.showToast(`⚠️ ${err.message}`);
      }
    });
  }

  render(state, live) {
    this.title.textContent = `${state.bot} · Zalo`;
    const me = state.me ? state.me.display_name : "";
    this.subtitle.textContent = `bot Zalo — bạn là · you are ${me}`;
    // Zalo messages are never edited or deleted: only new ones are added.
    for (const msg of state.messages.slice(this.shown)) {
      const wrap = el("div", msg.from_bot ? "msg in" : "msg out");
      wrap.dataset.messageId = msg.id;
      const bubble = el("div", "bubble");
      bubble.append(el("div", "body", msg.text));
      const meta = el("div", "meta", clock(msg.date / 1000));
      meta.title = fullDate(msg.date / 1000);
      bubble.append(meta);
      wrap.append(bubble);
      this.messages.append(wrap);
      if (live) this.countUnread();
    }
    if (state.messages.length > this.shown) {
      this.shown = state.messages.length;
      if (this.following) this.scrollDown(); else this.marker.hidden = false;
    }
  }
}
