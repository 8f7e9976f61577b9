// Dialog windows: a link with hx-get and hx-target="#dialog" loads a form into the
// <dialog>; the dialog opens when content arrives and closes on a [data-close] click.
document.addEventListener("htmx:afterSwap", (event) => {
  const dialog = document.getElementById("dialog");
  if (event.detail.target === dialog && dialog.innerHTML.trim() && !dialog.open) {
    dialog.showModal();
  }
});
document.addEventListener("click", (event) => {
  const closer = event.target.closest("[data-close]");
  if (closer) {
    const dialog = closer.closest("dialog");
    if (dialog) { dialog.close(); dialog.innerHTML = ""; }
  }
});
// The server tells htmx to close the dialog and refresh the page after a save.
document.addEventListener("closeDialog", () => {
  const dialog = document.getElementById("dialog");
  dialog.close();
  dialog.innerHTML = "";
});
