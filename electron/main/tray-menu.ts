// What the tray shows (pure, so it is tested without Electron).
export interface TrayItem {
  id: 'open' | 'status' | 'quit';
  label: string;
  enabled: boolean;
}

export function trayModel(liveJobs: number): { tooltip: string; items: TrayItem[] } {
  const status = liveJobs === 0 ? 'No jobs running' : `${liveJobs} job${liveJobs === 1 ? '' : 's'} waiting or running`;
  return {
    tooltip: `Imputation Desktop: ${status.toLowerCase()}`,
    items: [
      { id: 'open', label: 'Open Imputation Desktop', enabled: true },
      { id: 'status', label: status, enabled: false },
      { id: 'quit', label: 'Quit', enabled: true },
    ],
  };
}
