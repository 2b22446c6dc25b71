namespace LabSite.Web.Labs.Components;

/// <summary>The solution panel's states: hidden behind a button, asking to confirm, or shown.</summary>
public enum SolutionView { Hidden, Confirming, Shown }
