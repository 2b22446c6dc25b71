namespace LabSite.Web.Components.Layout;

/// <summary>Whether a navigation item is current only on its own path or also below it.</summary>
public enum NavItemMatch { Exact, Prefix }
