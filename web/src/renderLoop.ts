/**
 * Runs an async render task at most once at a time: requests made while it runs collapse into one
 * more run. The section element's `data-busy` says whether a render is pending or running and
 * `data-renders` counts finished renders, so tests (and curious readers) can wait for the page.
 */
export function renderLoop(section: HTMLElement, task: () => Promise<void>): () => void {
  let active = false; // a run is scheduled or under way
  let pending = false;
  let renders = 0;
  const run = async () => {
    while (pending) {
      pending = false;
      try {
        await task();
      } catch (error) {
        reportError(section, error);
      }
    }
    active = false;
    renders += 1;
    section.dataset.renders = String(renders);
    section.dataset.busy = 'false';
  };
  return () => {
    pending = true;
    section.dataset.busy = 'true';
    if (!active) {
      active = true;
      requestAnimationFrame(() => void run());
    }
  };
}

/** Shows an error in the section (and the console, where it belongs). */
export function reportError(section: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  let box = section.querySelector<HTMLElement>('.error');
  if (box === null) {
    box = document.createElement('p');
    box.className = 'error';
    box.setAttribute('role', 'alert');
    section.append(box);
  }
  box.textContent = `Something went wrong: ${message}`;
  console.error(error);
}
