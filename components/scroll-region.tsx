import type { ReactNode } from "react";

/**
 * A table or chart wider than a phone's screen, scrolled sideways inside its own region. The
 * region can take keyboard focus (then the arrow keys scroll it) and is named for screen readers:
 * a scrollable area that neither is nor holds anything focusable cannot be scrolled without a
 * pointer (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function ScrollRegion({ label, children, className = "" }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700 ${className}`}
    >
      {children}
    </div>
  );
}
