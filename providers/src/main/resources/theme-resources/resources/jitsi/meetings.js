// The meetings page of keycloak-jitsi: times in the reader's own time zone and language, the copy
// button of a new invitation's link, and forms that are sent once. Without scripts the page works
// all the same (times in UTC, the link selectable).
const root = document.getElementById("jitsi-meetings");

if (root) {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  for (const time of root.querySelectorAll("time[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(date.getTime())) {
      time.title = time.textContent;
      time.textContent = format.format(date);
    }
  }

  const link = document.getElementById("jitsi-meetings-link");
  const copy = document.getElementById("jitsi-meetings-copy");
  if (link && copy) {
    link.addEventListener("focus", () => link.select());
    copy.addEventListener("click", async () => {
      let copied = false;
      try {
        await navigator.clipboard.writeText(link.value);
        copied = true;
      } catch {
        link.focus();
        link.select();
        copied = document.execCommand("copy");
      }
      if (copied) {
        copy.textContent = copy.dataset.copied;
        copy.classList.add("jitsi-copied");
      }
    });
  }

  // A double click sends a form once: the page that answers is the one the person sees.
  for (const form of root.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "true";
    });
  }
}
