import { useState } from "react";
import { toast } from "sonner";
import { refusalOf } from "./errors";

interface CsvFile {
  filename: string;
  csv: string;
}

/** Saves `text` as a file through a temporary object URL. */
function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A CSV download button's state: `run` fetches the file, saves it and calls `onSaved`; a refusal
 * is shown as a toast. `exporting` is true while it runs.
 */
export function useCsvExport<F extends CsvFile>(fetchFile: () => Promise<F>, onSaved?: (file: F) => void) {
  const [exporting, setExporting] = useState(false);
  const run = async () => {
    setExporting(true);
    try {
      const file = await fetchFile();
      downloadText(file.filename, file.csv, "text/csv;charset=utf-8");
      onSaved?.(file);
    } catch (error) {
      toast.error(`Export failed: ${refusalOf(error).message}`);
    } finally {
      setExporting(false);
    }
  };
  return { exporting, run };
}
