/**
 * Dropping a zip on `<ef-viewer>`: while files are dragged over it the viewer shows its drop
 * target, and the dropped file is handed to the viewer to open.
 * @module
 */
import type { ReactiveControllerHost } from 'lit';

/** Listens for files dragged over and dropped on its host (listeners on the host itself, so they live as long as it does). */
export class ZipDropController {
  /** Files are being dragged over the host (show the drop target). */
  get dragging(): boolean {
    return this.#dragging;
  }

  #dragging = false;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #open: (file: File) => void;

  constructor(host: ReactiveControllerHost & HTMLElement, open: (file: File) => void) {
    this.#host = host;
    this.#open = open;
    host.addEventListener('dragover', this.#onDragOver);
    host.addEventListener('dragleave', () => this.#setDragging(false));
    host.addEventListener('drop', this.#onDrop);
  }

  #setDragging(dragging: boolean): void {
    if (dragging === this.#dragging) return;
    this.#dragging = dragging;
    this.#host.requestUpdate();
  }

  readonly #onDragOver = (event: DragEvent): void => {
    if (!(event.dataTransfer?.types.includes('Files') ?? false)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
    this.#setDragging(true);
  };

  readonly #onDrop = (event: DragEvent): void => {
    this.#setDragging(false);
    const file = event.dataTransfer?.files[0];
    if (file === undefined) return;
    event.preventDefault();
    this.#open(file);
  };
}
