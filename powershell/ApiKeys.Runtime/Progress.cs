// Progress for pipelines and bulk work, throttled: a command creates one ProgressState in its
// begin block and asks Due() per item; only then does it build the status text and call
// Write-Progress. Quick work (under a quarter of a second) never shows progress, so a single
// call pays one method call for it; long work reports at most every 200 ms.

using System.Diagnostics;

namespace ApiKeys.Internal
{
    public sealed class ProgressState
    {
        const long FirstAfterMs = 250;
        const long EveryMs = 200;

        public readonly string Activity;
        public readonly int Total;
        public readonly int Id = 1;
        public int Count;
        public bool Shown;
        readonly Stopwatch watch = Stopwatch.StartNew();
        long lastShownMs;

        public ProgressState(string activity) : this(activity, -1) { }

        public ProgressState(string activity, int total)
        {
            Activity = activity;
            Total = total;
        }

        /// <summary>Counts one item; true when progress should be written for it now.</summary>
        public bool Due()
        {
            Count++;
            long now = watch.ElapsedMilliseconds;
            if (now < FirstAfterMs || (Shown && now - lastShownMs < EveryMs)) return false;
            lastShownMs = now;
            return true;
        }

        /// <summary>"3 of 10: label", or "3: label" when the total is not known.</summary>
        public string Status(string label) => Total > 0 ? $"{Count} of {Total}: {label}" : $"{Count}: {label}";

        /// <summary>Percent done, or -1 when the total is not known.</summary>
        public int Percent => Total > 0 ? System.Math.Min(100, 100 * Count / Total) : -1;
    }
}
