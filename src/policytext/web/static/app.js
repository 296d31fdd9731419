// The search page's only script: copy a citation in the chosen style, and search again when a filter
// list changes.
// The page works without it; results are rendered (and escaped) on the server.
"use strict";

function copyWithSelection(text) {
  // For browsers without the asynchronous clipboard (or when it is refused).
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.top = "-1000px";
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch (err) {
    copied = false;
  }
  document.body.removeChild(area);
  return copied;
}

function citationText(button) {
  // The quote (on the button) and the hit's citation in the style shown (one copy of each on the page).
  const hit = button.closest("li.hit");
  const citation = hit && hit.querySelector("span.citation");
  return (button.dataset.quote || "") + (citation ? citation.textContent : "");
}

async function copyCitation(button) {
  const text = citationText(button);
  let copied = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch (err) {
      copied = false;
    }
  }
  if (!copied) {
    copied = copyWithSelection(text);
  }
  button.textContent = copied ? "Copied" : "Select the citation and copy it";
  button.classList.toggle("copied", copied);
  window.setTimeout(() => {
    button.textContent = "Copy quote and citation";
    button.classList.remove("copied");
  }, 2500);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (button) {
    copyCitation(button);
  }
});

// A list changed with the mouse searches at once; one changed from the keyboard (arrow keys, letters)
// waits for Enter or the Search button, so a keyboard user can step through it (WCAG 3.2.2).
const AUTOSUBMIT = "select.autosubmit, select#in";
let keyedSelect = null;

function searchAgain() {
  const form = document.getElementById("search");
  if (form && document.getElementById("q").value.trim()) {
    form.requestSubmit();
  }
}

document.addEventListener("keydown", (event) => {
  const select = event.target.closest && event.target.closest(AUTOSUBMIT);
  if (!select) {
    return;
  }
  if (event.key === "Enter") {
    event.preventDefault();
    keyedSelect = null;
    searchAgain();
  } else if (event.key !== "Tab") {
    keyedSelect = select;
  }
});

document.addEventListener("pointerdown", (event) => {
  if (event.target.closest && event.target.closest(AUTOSUBMIT)) {
    keyedSelect = null;
  }
});

document.addEventListener("change", (event) => {
  const select = event.target.closest(AUTOSUBMIT);
  if (select && select !== keyedSelect) {
    searchAgain();
  }
});

// Each hit shows its newsroom citation; another style is asked of the server for the page's hits when
// a reader picks it (once per style), so that the page does not carry every style of every hit.
const citationLines = {};

async function showCitationStyle(select) {
  const style = select.value;
  const spans = Array.from(document.querySelectorAll("li.hit span.citation"));
  if (!citationLines.newsroom) {
    citationLines.newsroom = spans.map((span) => span.textContent);
  }
  if (!citationLines[style]) {
    try {
      const response = await fetch(`/api/cite?${select.dataset.params}&format=${encodeURIComponent(style)}`);
      if (!response.ok) {
        throw new Error(await response.text());
      }
      citationLines[style] = await response.json();
    } catch (err) {
      select.value = "newsroom";  // say so rather than show one style under the name of another
      window.alert(`The ${style} citations could not be loaded: ${err.message}`);
      return showCitationStyle(select);
    }
  }
  if (select.value !== style) {
    return;  // another style was picked while this one loaded
  }
  const lines = citationLines[style];
  spans.forEach((span, i) => {
    if (lines[i] !== undefined) {
      span.textContent = lines[i];
    }
  });
  select.dataset.shown = style;
}

document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("cite-style");
  if (!select) {
    return;
  }
  select.closest("p.cite-style").hidden = false;
  select.addEventListener("change", () => showCitationStyle(select));
  if (select.value !== "newsroom") {  // a style kept by the browser on going back to the page
    showCitationStyle(select);
  }
});
