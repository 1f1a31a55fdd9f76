// The tray icon that keeps the app watching jobs with its window closed.
import { Menu, nativeImage, Tray } from 'electron';
import path from 'node:path';
import { trayModel } from './tray-menu';

export class AppTray {
  private tray: Tray | null = null;

  constructor(
    private readonly onOpen: () => void,
    private readonly onQuit: () => void,
  ) {}

  show(liveJobs: number): void {
    if (!this.tray) {
      const icon = nativeImage.createFromPath(path.join(__dirname, '../icon.png')).resize({ width: 18, height: 18 });
      this.tray = new Tray(icon);
      this.tray.on('click', this.onOpen);
    }
    this.update(liveJobs);
  }

  update(liveJobs: number): void {
    if (!this.tray) return;
    const model = trayModel(liveJobs);
    this.tray.setToolTip(model.tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate(
        model.items.map((item) => ({
          label: item.label,
          enabled: item.enabled,
          click: item.id === 'open' ? this.onOpen : item.id === 'quit' ? this.onQuit : undefined,
        })),
      ),
    );
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = null;
  }
}
