// An enhancement only: every page works without it. Shows the copy buttons beside commands (hidden without
// script, where the command is selected and copied by hand) and announces a copy in the page's status region;
// opens the catalogue's further filters where the screen is wide enough to show them beside the results.
if (matchMedia('(min-width: 62em)').matches)
  for (const details of document.querySelectorAll('details[data-open-wide]')) details.open = true;

for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.status);
  if (!source || !status || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      status.textContent = button.dataset.copied;
    } catch {
      status.textContent = '';
    }
  });
}
